package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// makeRun returns the commands `make run` would run (make -n), with env and vars.
func makeRun(t *testing.T, env []string, vars ...string) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	cmd := exec.Command("make", append([]string{"-n", "--no-print-directory", "-C", filepath.Join("..", ".."), "run"}, vars...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n run: %v\n%s", err, out)
	}
	return string(out)
}

// TestMakeRun: `make run` leaves the address and database to REGISTRY_ADDR and
// REGISTRY_DB unless ADDR or DB is given, and says what it is doing before the first
// build's long silence.
func TestMakeRun(t *testing.T) {
	out := makeRun(t, []string{"REGISTRY_ADDR=127.0.0.1:9797"})
	if strings.Contains(out, "--addr") || strings.Contains(out, "--db") {
		t.Errorf("make run overrides REGISTRY_ADDR or REGISTRY_DB:\n%s", out)
	}
	if !strings.Contains(out, "starting the server on 127.0.0.1:9797") {
		t.Errorf("make run does not say the address it serves on:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "echo ") || !strings.Contains(lines[0], "download") || !strings.Contains(out, "build -v") {
		t.Errorf("make run does not say what it does before it builds (with progress):\n%s", out)
	}
	if out := makeRun(t, nil, "ADDR=127.0.0.1:9898", "DB=/tmp/given.db"); !strings.Contains(out, "--addr 127.0.0.1:9898") || !strings.Contains(out, "--db /tmp/given.db") {
		t.Errorf("make run ADDR=… DB=… does not pass them:\n%s", out)
	}
}
