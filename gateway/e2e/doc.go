// Package e2e holds the gateway's end-to-end tests and benchmark: the
// daemon killed with SIGKILL and restarted, two replicas sharing one NATS
// server and one PostgreSQL ledger, no PHI in the logs, a graceful
// shutdown in the middle of a run, and the pipeline's throughput from a
// NATS publish to 837 files on the payer's SFTP server. The package has
// no code of its own; everything is in its _test.go files.
package e2e
