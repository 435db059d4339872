package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// LogFile is the log's name inside the storage root. A GUI build on Windows
// has no console, so this file is the only place its errors show up.
const LogFile = "otklik.log"

// The log keeps at most LogMaxSize bytes in the current file and LogBackups
// older files (otklik.log.1 is the newest of them): about 20 MB in all, which
// holds months of a press office's working days.
const (
	LogMaxSize = 5 << 20
	LogBackups = 3
)

// SetupLogging opens (creating if needed) the rotating log dir/otklik.log and
// returns a text logger writing to it at level and above. The Closer closes
// the file; writes are unbuffered, so a process that exits without closing
// it loses nothing.
func SetupLogging(dir string, level slog.Level) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("log folder: %w", err)
	}
	f, err := OpenRotatingFile(filepath.Join(dir, LogFile), LogMaxSize, LogBackups)
	if err != nil {
		return nil, nil, err
	}
	h := slog.NewTextHandler(f, &slog.HandlerOptions{Level: level})
	return slog.New(h).With("pid", os.Getpid()), f, nil
}

// RotatingFile is an io.WriteCloser over a file that is renamed to path.1
// (shifting path.1 to path.2 and so on, dropping the oldest) before a write
// would take it past the size limit. Each Write goes to one file whole, so a
// log record is never split between two files. It is safe for concurrent use.
type RotatingFile struct {
	path    string
	maxSize int64
	backups int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenRotatingFile opens path for appending, creating it with mode 0600 (the
// log names residents and operators, like the store it sits beside).
// maxSize must be positive; backups is how many rotated files to keep (0
// keeps none: the file is truncated when full).
func OpenRotatingFile(path string, maxSize int64, backups int) (*RotatingFile, error) {
	if maxSize <= 0 {
		return nil, fmt.Errorf("log %s: size limit must be positive, got %d", path, maxSize)
	}
	if backups < 0 {
		return nil, fmt.Errorf("log %s: backups must not be negative, got %d", path, backups)
	}
	r := &RotatingFile{path: path, maxSize: maxSize, backups: backups}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log: %w", err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when p would not fit in the current file.
// A record larger than the limit goes alone into a fresh file. If rotation
// fails (say, another program holds a backup open on Windows) the record is
// still written to the current file and the rotation error is returned.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, fmt.Errorf("log %s: %w", r.path, os.ErrClosed)
	}
	var rotErr error
	if r.size > 0 && r.size+int64(len(p)) > r.maxSize {
		rotErr = r.rotate()
		if r.f == nil {
			return 0, rotErr
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, errors.Join(err, rotErr)
}

// rotate shifts the files along. Windows cannot rename an open file, so the
// current one is closed first and always reopened, rotated or not.
func (r *RotatingFile) rotate() error {
	var errs []error
	if err := r.f.Close(); err != nil {
		errs = append(errs, err)
	}
	r.f = nil
	if r.backups == 0 {
		if err := os.Truncate(r.path, 0); err != nil {
			errs = append(errs, err)
		}
	} else {
		if err := os.Remove(r.backup(r.backups)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
		for i := r.backups - 1; i >= 1; i-- {
			if err := os.Rename(r.backup(i), r.backup(i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		if err := os.Rename(r.path, r.backup(1)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := r.open(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("log rotation: %w", err)
	}
	return nil
}

func (r *RotatingFile) backup(i int) string { return r.path + "." + strconv.Itoa(i) }

// Close closes the current file; later writes fail.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
