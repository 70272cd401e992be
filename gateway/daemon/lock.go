//go:build unix

package daemon

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrLocked is returned by Start when another daemon runs on the data
// directory: two would share the embedded JetStream folder and the SQLite
// ledger.
var ErrLocked = errors.New("the data directory is in use by another claimsgw")

// LockFile is the lock in the data directory, holding the pid of the
// daemon that has it.
const LockFile = "claimsgw.lock"

// dirLock is a daemon's hold on its data directory: an exclusive flock,
// which the kernel releases when the process ends, however it ends.
type dirLock struct{ f *os.File }

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := make([]byte, 32)
		n, _ := f.Read(pid)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s, by pid %s (stop that one, or give this one a data_dir of its own)", ErrLocked, dir, strings.TrimSpace(string(pid[:n])))
		}
		return nil, fmt.Errorf("data directory lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintln(f, os.Getpid())
	}
	return &dirLock{f}, nil
}

// Held reports whether a running daemon holds a data directory's lock,
// and that daemon's pid, without taking the lock or creating anything: a
// directory with no lock file is not held. claimsgw demo asks before it
// writes in a directory.
func Held(dir string) (pid string, held bool, err error) {
	f, err := os.Open(filepath.Join(dir, LockFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("data directory lock: %w", err)
	}
	defer f.Close() // and with it the shared lock, when taken
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return "", false, fmt.Errorf("data directory lock %s: %w", f.Name(), err)
		}
		b := make([]byte, 32)
		n, _ := f.Read(b)
		return strings.TrimSpace(string(b[:n])), true, nil
	}
	return "", false, nil
}

func (l *dirLock) release() {
	if l != nil {
		l.f.Truncate(0)
		l.f.Close()
	}
}
