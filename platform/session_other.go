//go:build !linux

package platform

import "syscall"

// ownSession leaves the daemon child in its parent's session: the daemon
// is Linux's (session_linux.go).
func ownSession() *syscall.SysProcAttr { return nil }
