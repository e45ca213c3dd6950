package platform

import "syscall"

// ownSession makes the daemon child leader of a session of its own, as
// ISC's daemon is: no terminal's hang-up or job control reaches it.
func ownSession() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
