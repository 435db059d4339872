// Package crashtest is Otklik's crash suite: it builds the real binary,
// runs imports, the demo generator and bulk edits through it, kills it with
// SIGKILL at random moments and checks the store after each kill. The suite
// and its editor program build only with the crashtest tag:
//
//	go test -tags sqlite_fts5,crashtest -run TestCrash -timeout 60m ./app/crashtest/ -trials 200
//
// (`make reliability`; `make reliability TRIALS=10` is the short run).
package crashtest
