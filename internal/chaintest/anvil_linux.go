package chaintest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill cmd when the test binary that started it dies, even by
// SIGKILL, so a killed test run leaves no anvil behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
