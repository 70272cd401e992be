//go:build unix

package daemon

import (
	"errors"
	"fmt"
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

func (l *dirLock) release() {
	if l != nil {
		l.f.Truncate(0)
		l.f.Close()
	}
}
