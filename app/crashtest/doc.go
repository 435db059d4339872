// Package crashtest is Otklik's crash suite: it builds the real binary,
// runs imports, the demo generator, bulk edits and sync against
// `otklik simulate` through it, kills it with SIGKILL at random moments and
// checks the store after each kill; the synced store is compared at the end
// with what the simulator holds and received (sync_test.go). The suite and
// its editor program build only with the crashtest tag:
//
//	go test -tags sqlite_fts5,crashtest -run TestCrash -timeout 60m ./app/crashtest/ -trials 200
//
// (`make reliability`; `make reliability TRIALS=10` is the short run).
package crashtest
