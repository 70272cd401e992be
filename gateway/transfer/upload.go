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

// Upload delivers data as dir/name: Stage, then Publish. If name already
// exists with len(data) bytes, the file counts as delivered and nothing is
// written; with another size, Upload fails with ErrAlreadyDelivered.
//
// A caller that must never deliver a file twice across crashes records the
// temporary name Stage returns before it calls Publish (the gateway keeps it
// in its ledger): only Publish can make the file appear under its final
// name, and a Publish that finds its temporary file gone knows an earlier
// one renamed it.
func (c *Client) Upload(ctx context.Context, dir, name string, data []byte) error {
	tmp, err := c.Stage(ctx, dir, name, data)
	if err != nil || tmp == "" {
		return err
	}
	return c.Publish(ctx, dir, tmp, name, int64(len(data)))
}

// Stage writes data under a new hidden temporary name in dir, syncs it when
// the server offers fsync@openssh.com, checks its size and returns the
// temporary name. It returns "" when dir/name already holds len(data) bytes
// (delivered before: nothing is written), and ErrAlreadyDelivered when
// dir/name exists with another size. The temporary file is removed on
// failure, as far as the connection allows.
func (c *Client) Stage(ctx context.Context, dir, name string, data []byte) (string, error) {
	tmp := tempName(name)
	err := c.run(ctx, "stage", dir, name, func() error {
		if err := SafeName(name); err != nil {
			return err
		}
		if done, err := c.delivered(path.Join(dir, name), int64(len(data))); done || err != nil {
			tmp = ""
			return err
		}
		if err := c.putTemp(path.Join(dir, tmp), data); err != nil {
			_ = c.sftp.Remove(path.Join(dir, tmp))
			return err
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return tmp, nil
}

// Publish renames the staged file dir/tmp to dir/name
// (posix-rename@openssh.com when offered, else plain rename) and checks the
// size of the result, unless the payer has taken it away already. A tmp
// that is gone was renamed before, by an attempt that did not live to
// record it, or by another one racing this: the file was delivered. The
// temporary file is left in place on failure, for the next Publish.
func (c *Client) Publish(ctx context.Context, dir, tmp, name string, size int64) error {
	return c.run(ctx, "publish", dir, name, func() error {
		if err := errors.Join(SafeName(tmp), SafeName(name)); err != nil {
			return err
		}
		from, final := path.Join(dir, tmp), path.Join(dir, name)
		if err := c.rename(from, final); err != nil {
			// The staged file gone means it was renamed already.
			if _, serr := c.sftp.Lstat(from); !errors.Is(serr, os.ErrNotExist) {
				return err
			}
		}
		// A payer may take the file the moment it appears under its final
		// name: gone already, it was delivered (its size was checked under
		// the temporary name).
		if err := c.checkSize(final, size); err != nil && !errors.Is(err, os.ErrNotExist) {
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
