package transfer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
)

// RemoteFile is a finished regular file in a remote directory.
type RemoteFile struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// Skipped is an entry of a remote directory that List leaves out, and why.
type Skipped struct {
	Name   string
	Reason string // SkippedNotRegular, SkippedUnsafeName or SkippedInProgress
}

// Why List leaves an entry out.
const (
	SkippedNotRegular = "not_regular" // a directory, symlink or other special file
	SkippedUnsafeName = "unsafe_name" // a name SafeName refuses: a backslash, a control character...
	SkippedInProgress = "in_progress" // a dotfile or a partial upload (.part, .tmp, .filepart)
)

// List returns the regular files in dir, sorted by name, and the entries
// it leaves out with why: directories, symlinks and other special files,
// names that SafeName refuses, dotfiles and partial uploads.
func (c *Client) List(ctx context.Context, dir string) ([]RemoteFile, []Skipped, error) {
	var files []RemoteFile
	var skipped []Skipped
	err := c.run(ctx, "list", dir, "", func() error {
		entries, err := c.sftp.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, fi := range entries {
			switch name := fi.Name(); {
			case !fi.Mode().IsRegular():
				skipped = append(skipped, Skipped{name, SkippedNotRegular})
			case SafeName(name) != nil:
				skipped = append(skipped, Skipped{name, SkippedUnsafeName})
			case inProgress(name):
				skipped = append(skipped, Skipped{name, SkippedInProgress})
			default:
				files = append(files, RemoteFile{Name: name, Size: fi.Size(), ModTime: fi.ModTime()})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(files, func(a, b RemoteFile) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(skipped, func(a, b Skipped) int { return strings.Compare(a.Name, b.Name) })
	return files, skipped, nil
}

// Fetch reads dir/name, which must be a regular file of at most maxSize
// bytes (ErrTooLarge otherwise, also if it grows past maxSize while read).
func (c *Client) Fetch(ctx context.Context, dir, name string, maxSize int64) ([]byte, error) {
	var buf bytes.Buffer
	err := c.run(ctx, "fetch", dir, name, func() error {
		if err := SafeName(name); err != nil {
			return err
		}
		p := path.Join(dir, name)
		fi, err := c.sftp.Lstat(p)
		switch {
		case err != nil:
			return err
		case !fi.Mode().IsRegular():
			return fmt.Errorf("%w: %v", ErrNotRegular, fi.Mode().Type())
		case fi.Size() > maxSize:
			return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, fi.Size(), maxSize)
		}
		f, err := c.sftp.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		buf.Grow(int(fi.Size()))
		if _, err := io.Copy(&buf, io.LimitReader(f, maxSize+1)); err != nil {
			return err
		}
		if int64(buf.Len()) > maxSize {
			return fmt.Errorf("%w: grew past limit %d while read", ErrTooLarge, maxSize)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Remove deletes dir/name.
func (c *Client) Remove(ctx context.Context, dir, name string) error {
	return c.run(ctx, "remove", dir, name, func() error {
		if err := SafeName(name); err != nil {
			return err
		}
		return c.sftp.Remove(path.Join(dir, name))
	})
}

// Move renames dir/name to toDir/name on the server, e.g. into an archive
// directory. It uses plain rename, which OpenSSH refuses when toDir/name
// exists.
func (c *Client) Move(ctx context.Context, dir, name, toDir string) error {
	return c.run(ctx, "move", dir, name, func() error {
		if err := SafeName(name); err != nil {
			return err
		}
		return c.sftp.Rename(path.Join(dir, name), path.Join(toDir, name))
	})
}
