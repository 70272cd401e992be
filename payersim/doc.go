// Package payersim is the payer simulator's SFTP server: a real SSH server
// (golang.org/x/crypto/ssh) running pkg/sftp's request server, jailed to a
// root directory on disk.
//
// Directory layout under the root, created by Start:
//
//	inbound/   the gateway uploads 837 files here
//	outbound/  the payer puts its answers here (TA1, 999, 277CA, 835)
//
// The jail is an os.Root: whatever path a client sends ("..", absolute
// paths, symlinks inside the root that point outside) resolves inside the
// root or fails.
//
// Operations served: open/read/write/close, stat, lstat, list, mkdir, remove
// (files only), rename (refused when the target exists, as OpenSSH does) and
// posix-rename@openssh.com (replaces the target). The request server
// advertises posix-rename@openssh.com, hardlink@openssh.com and
// statvfs@openssh.com; hard links, symlinks, readlink, setstat, rmdir and
// statvfs are answered "operation unsupported". fsync@openssh.com is not
// offered.
package payersim
