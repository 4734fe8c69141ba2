package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/store"
)

// TestUserAccountCommands: enable, disable, reset-password and role change an
// account as asked, and disable, reset-password and role end the sessions it holds
// (a refresh token from before no longer works).
func TestUserAccountCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "u.db")
	none := func(string) string { return "" }
	const first, second = "correct horse battery staple 42", "a different staple for the horse 7"
	cli := func(stdin string, args ...string) (string, error) {
		var out strings.Builder
		err := run(ctx, append(args[:1:1], append([]string{args[1], "--db", db}, args[2:]...)...), none, strings.NewReader(stdin), &out, io.Discard)
		return out.String(), err
	}
	if _, err := cli(first+"\n", "user", "add", "--email", "ed@example.org", "--role", "editor", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	login := func(password string) (store.Grant, error) { return st.Login(ctx, "ed@example.org", password) }
	role := func() string {
		u, err := st.UserByEmail(ctx, "ed@example.org")
		if err != nil {
			t.Fatal(err)
		}
		return u.Role
	}

	for _, tc := range []struct {
		name, stdin string
		args        []string
		wantOut     string
		revokes     bool   // a session from before ends
		password    string // the password that logs in afterwards ("" none does)
		role        string
	}{
		{name: "reset-password", stdin: second + "\n", args: []string{"reset-password", "--email", "ed@example.org", "--password-stdin"},
			wantOut: "reset the password", revokes: true, password: second, role: "editor"},
		{name: "role", args: []string{"role", "--email", "ED@example.org", "--role", "admin"},
			wantOut: "now admin", revokes: true, password: second, role: "admin"},
		{name: "disable", args: []string{"disable", "--email", "ed@example.org"},
			wantOut: "disabled", revokes: true, password: "", role: "admin"},
		{name: "enable", args: []string{"enable", "--email", "ed@example.org"},
			wantOut: "enabled", password: second, role: "admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := login(second)
			if tc.name == "reset-password" {
				before, err = login(first)
			}
			if tc.name == "enable" {
				before, err = store.Grant{}, nil
			}
			if err != nil {
				t.Fatalf("login before: %v", err)
			}
			out, err := cli(tc.stdin, append([]string{"user"}, tc.args...)...)
			if err != nil || !strings.Contains(out, tc.wantOut) {
				t.Fatalf("user %s: %v %q", tc.name, err, out)
			}
			if tc.revokes {
				if _, err := st.Refresh(ctx, before.RefreshToken); err == nil {
					t.Errorf("a session from before %s still refreshes", tc.name)
				}
			}
			for _, p := range []string{first, second} {
				_, err := login(p)
				if (p == tc.password) != (err == nil) {
					t.Errorf("login with the %s password after %s: %v", map[bool]string{true: "new", false: "old"}[p == second], tc.name, err)
				}
			}
			if r := role(); r != tc.role {
				t.Errorf("role %s, want %s", r, tc.role)
			}
		})
	}

	for _, tc := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"reset without --password-stdin", []string{"user", "reset-password", "--email", "ed@example.org"}, true, "--password-stdin"},
		{"role without --role", []string{"user", "role", "--email", "ed@example.org"}, true, "--role"},
		{"enable without --email", []string{"user", "enable"}, true, "--email"},
		{"an unknown role", []string{"user", "role", "--email", "ed@example.org", "--role", "boss"}, false, "role"},
		{"an unknown account", []string{"user", "enable", "--email", "nobody@example.org"}, false, "not found"},
		{"a weak new password", []string{"user", "reset-password", "--email", "ed@example.org", "--password-stdin"}, false, "password"},
	} {
		_, err := cli("password1234\n", tc.args...)
		if err == nil || errors.As(err, new(usageError)) != tc.usage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a%s error naming %s", tc.name, err, map[bool]string{true: " usage", false: "n"}[tc.usage], tc.want)
		}
	}
	if _, err := login(second); err != nil {
		t.Errorf("a refused change changed the account: %v", err)
	}
}

// TestUserReset2FA: an account that lost its phone gets its second factor turned off
// from the command line; its sessions end and it logs in with its password alone.
func TestUserReset2FA(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "u.db")
	none := func(string) string { return "" }
	const password = "correct horse battery staple 42"
	if err := run(ctx, []string{"user", "add", "--db", db, "--email", "ed@example.org", "--role", "editor", "--password-stdin"}, none, strings.NewReader(password), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g, err := st.Login(ctx, "ed@example.org", password)
	if err != nil {
		t.Fatal(err)
	}
	en, err := st.StartTOTP(ctx, int(g.User.ID))
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(en.Secret, time.Now())
	if _, err := st.ConfirmTOTP(ctx, int(g.User.ID), code); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Login(ctx, "ed@example.org", password); err == nil {
		t.Fatal("a login without otp passed an enrolled account")
	}
	var out strings.Builder
	if err := run(ctx, []string{"user", "reset-2fa", "--db", db, "--email", "ed@example.org"}, none, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "second factor") {
		t.Fatalf("user reset-2fa: %v %q", err, out.String())
	}
	if _, err := st.Refresh(ctx, g.RefreshToken); err == nil {
		t.Error("a session from before the reset still refreshes")
	}
	if _, err := st.Login(ctx, "ed@example.org", password); err != nil {
		t.Errorf("login after the reset: %v", err)
	}
}
