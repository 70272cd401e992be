package transfer

import (
	"context"
	"errors"
	"io"
	"net"
	"os"

	"github.com/pkg/sftp"
)

var (
	// ErrConfig reports an Endpoint that cannot be used as given.
	ErrConfig = errors.New("transfer: bad endpoint config")
	// ErrHostKeyMismatch reports a server whose host key is not the pinned one.
	ErrHostKeyMismatch = errors.New("transfer: host key mismatch")
	// ErrHostKeyUnknown reports a server that the known_hosts file does not list.
	ErrHostKeyUnknown = errors.New("transfer: host key unknown")
	// ErrAuth reports that the server refused the user's credentials.
	ErrAuth = errors.New("transfer: authentication failed")
	// ErrAlreadyDelivered reports a final name that exists with a different size.
	ErrAlreadyDelivered = errors.New("transfer: already delivered")
	// ErrSizeMismatch reports a remote file whose size is not what was written.
	ErrSizeMismatch = errors.New("transfer: remote size mismatch")
	// ErrUnsafeName reports a file name that could leave its directory.
	ErrUnsafeName = errors.New("transfer: unsafe file name")
	// ErrNotRegular reports a remote entry that is not a regular file.
	ErrNotRegular = errors.New("transfer: not a regular file")
	// ErrTooLarge reports a remote file over the size limit.
	ErrTooLarge = errors.New("transfer: file too large")
)

// IsTransient reports whether err may go away on retry: network errors,
// timeouts and lost connections. Authentication failures, host key problems,
// permission denied and the package's other errors are permanent, and so is
// anything unknown.
func IsTransient(err error) bool {
	for _, permanent := range []error{
		ErrConfig, ErrHostKeyMismatch, ErrHostKeyUnknown, ErrAuth,
		ErrAlreadyDelivered, ErrSizeMismatch, ErrUnsafeName, ErrNotRegular, ErrTooLarge,
		os.ErrPermission, context.Canceled,
	} {
		if errors.Is(err, permanent) {
			return false
		}
	}
	for _, transient := range []error{
		context.DeadlineExceeded, io.EOF, io.ErrUnexpectedEOF,
		sftp.ErrSSHFxConnectionLost, sftp.ErrSSHFxNoConnection,
	} {
		if errors.Is(err, transient) {
			return true
		}
	}
	var opErr *net.OpError
	var netErr net.Error
	return errors.As(err, &opErr) || errors.As(err, &netErr) && netErr.Timeout()
}
