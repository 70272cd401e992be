// Package transfer is the gateway's SFTP client: it delivers files to a
// payer's server and picks up the payer's answers.
//
// Delivery writes under a temporary dot-name in the target directory, then
// renames to the final name (posix-rename@openssh.com when offered), and
// checks the remote size. A final name that already exists with the same size
// counts as delivered, so a redelivery after a crash between the rename and
// the ledger commit is harmless; a different size is ErrAlreadyDelivered.
//
// Host keys are always pinned, by an authorized_keys line or a known_hosts
// file. Errors name the host, directory and file, never file content.
// Retrying is the caller's business; IsTransient says which errors merit it.
//
// Every method takes a context: cancelling it during an operation closes the
// Client, which must then be dialled again.
package transfer
