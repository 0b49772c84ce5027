//go:build !linux

package chaintest

import "os/exec"

// dieWithParent is a no-op where the kernel has no parent-death signal; t.Cleanup still
// stops anvil when a test ends normally.
func dieWithParent(*exec.Cmd) {}
