package payersim

import (
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/pkg/sftp"
)

// jail serves SFTP requests from an os.Root, which refuses any path that
// resolves outside it.
type jail struct{ root *os.Root }

func (j jail) handlers() sftp.Handlers {
	return sftp.Handlers{FileGet: j, FilePut: j, FileCmd: j, FileList: j}
}

// rel turns a client path, absolute from the jail's root, into one relative
// to the root.
func rel(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// Fileread opens a file for reading.
func (j jail) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	return j.root.Open(rel(r.Filepath))
}

// Filewrite opens a file for writing with the client's create, truncate and
// exclusive flags.
func (j jail) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	pf := r.Pflags()
	flag := os.O_WRONLY
	if pf.Creat {
		flag |= os.O_CREATE
	}
	if pf.Trunc {
		flag |= os.O_TRUNC
	}
	if pf.Excl {
		flag |= os.O_EXCL
	}
	return j.root.OpenFile(rel(r.Filepath), flag, 0o600)
}

// Filecmd handles rename, remove and mkdir.
func (j jail) Filecmd(r *sftp.Request) error {
	switch r.Method {
	case "Rename":
		if _, err := j.root.Lstat(rel(r.Target)); err == nil {
			return fmt.Errorf("rename %s: %w", r.Target, os.ErrExist)
		}
		return j.root.Rename(rel(r.Filepath), rel(r.Target))
	case "Remove":
		fi, err := j.root.Lstat(rel(r.Filepath))
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return fmt.Errorf("remove %s: is a directory", r.Filepath)
		}
		return j.root.Remove(rel(r.Filepath))
	case "Mkdir":
		return j.root.Mkdir(rel(r.Filepath), 0o700)
	}
	return sftp.ErrSSHFxOpUnsupported
}

// PosixRename renames, replacing the target.
func (j jail) PosixRename(r *sftp.Request) error {
	return j.root.Rename(rel(r.Filepath), rel(r.Target))
}

// Filelist handles list and stat.
func (j jail) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	switch r.Method {
	case "List":
		d, err := j.root.Open(rel(r.Filepath))
		if err != nil {
			return nil, err
		}
		defer d.Close()
		fis, err := d.Readdir(-1)
		return listerAt(fis), err
	case "Stat":
		return stat(j.root.Stat(rel(r.Filepath)))
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

// Lstat stats without following a final symlink.
func (j jail) Lstat(r *sftp.Request) (sftp.ListerAt, error) {
	return stat(j.root.Lstat(rel(r.Filepath)))
}

func stat(fi os.FileInfo, err error) (sftp.ListerAt, error) {
	if err != nil {
		return nil, err
	}
	return listerAt{fi}, nil
}

// listerAt serves a fixed list of entries.
type listerAt []os.FileInfo

// ListAt copies entries from offset on into ls.
func (l listerAt) ListAt(ls []os.FileInfo, offset int64) (int, error) {
	if offset >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(ls, l[offset:])
	if n < len(ls) {
		return n, io.EOF
	}
	return n, nil
}
