package transfer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
)

const (
	extPosixRename = "posix-rename@openssh.com"
	extFsync       = "fsync@openssh.com"
)

// Upload delivers data as dir/name. It writes a temporary dot-name in dir,
// syncs it when the server offers fsync@openssh.com, renames it to name
// (posix-rename@openssh.com when offered, else plain rename) and checks the
// size of the result, unless the payer has taken it away already. If name
// already exists with len(data) bytes, the file counts as delivered and
// nothing is written; with another size, Upload fails with
// ErrAlreadyDelivered. The temporary file is removed on failure, as far as
// the connection allows.
func (c *Client) Upload(ctx context.Context, dir, name string, data []byte) error {
	return c.run(ctx, "upload", dir, name, func() error {
		if err := SafeName(name); err != nil {
			return err
		}
		final := path.Join(dir, name)
		if done, err := c.delivered(final, int64(len(data))); done || err != nil {
			return err
		}
		tmp := path.Join(dir, tempName(name))
		if err := c.putTemp(tmp, data); err != nil {
			_ = c.sftp.Remove(tmp)
			return err
		}
		if err := c.rename(tmp, final); err != nil {
			_ = c.sftp.Remove(tmp)
			return err
		}
		// A payer may take the file the moment it appears under its final
		// name: gone already, it was delivered (its size was checked under
		// the temporary name).
		if err := c.checkSize(final, int64(len(data))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	})
}

// delivered reports whether p already holds size bytes; an existing p of
// another size is ErrAlreadyDelivered.
func (c *Client) delivered(p string, size int64) (bool, error) {
	fi, err := c.sftp.Lstat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !fi.Mode().IsRegular():
		return false, fmt.Errorf("%w: exists as %v", ErrAlreadyDelivered, fi.Mode().Type())
	case fi.Size() != size:
		return false, fmt.Errorf("%w: exists with %d bytes, have %d", ErrAlreadyDelivered, fi.Size(), size)
	}
	return true, nil
}

// putTemp writes data to the new file tmp and checks its size.
func (c *Client) putTemp(tmp string, data []byte) error {
	f, err := c.sftp.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if _, ok := c.sftp.HasExtension(extFsync); ok && err == nil {
		err = f.Sync()
	}
	if err := errors.Join(err, f.Close()); err != nil {
		return err
	}
	return c.checkSize(tmp, int64(len(data)))
}

func (c *Client) rename(from, to string) error {
	if _, ok := c.sftp.HasExtension(extPosixRename); ok {
		return c.sftp.PosixRename(from, to)
	}
	return c.sftp.Rename(from, to)
}

func (c *Client) checkSize(p string, size int64) error {
	fi, err := c.sftp.Stat(p)
	if err != nil {
		return err
	}
	if fi.Size() != size {
		return fmt.Errorf("%w: %s has %d bytes, wrote %d", ErrSizeMismatch, path.Base(p), fi.Size(), size)
	}
	return nil
}
