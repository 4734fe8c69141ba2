package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/export-registry/registry/internal/config"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// userCommand manages staff accounts from the command line, acting as the registry
// itself: whoever can run it can already read the database.
func userCommand(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("user: want add, list, enable, disable, reset-password, reset-2fa or role")}
	}
	sub, rest := args[0], args[1:]
	fs := flags("user "+sub, &cfg, stderr)
	var email, role, name string
	var passwordStdin bool
	switch sub {
	case "add":
		fs.StringVar(&email, "email", "", "the account's email")
		fs.StringVar(&role, "role", "", "admin or editor")
		fs.StringVar(&name, "name", "", "display name shown in history (default: the email's local part)")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
	case "enable", "disable", "reset-2fa":
		fs.StringVar(&email, "email", "", "the account's email")
	case "reset-password":
		fs.StringVar(&email, "email", "", "the account's email")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "read the new password from standard input")
	case "role":
		fs.StringVar(&email, "email", "", "the account's email")
		fs.StringVar(&role, "role", "", "admin or editor")
	case "list":
	default:
		return usageError{fmt.Errorf("user: unknown subcommand %q", sub)}
	}
	if err := parse(fs, rest, &cfg); err != nil {
		return err
	}
	switch {
	case sub == "add" && (email == "" || role == "" || !passwordStdin):
		return usageError{errors.New("user add: --email, --role and --password-stdin are required (passwords never go on the command line)")}
	case sub == "reset-password" && (email == "" || !passwordStdin):
		return usageError{errors.New("user reset-password: --email and --password-stdin are required (passwords never go on the command line)")}
	case sub == "role" && (email == "" || role == ""):
		return usageError{errors.New("user role: --email and --role are required")}
	case sub != "add" && sub != "list" && email == "":
		return usageError{fmt.Errorf("user %s: --email is required", sub)}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = domain.SystemContext(ctx)

	switch sub {
	case "add":
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		u, err := st.CreateUser(ctx, store.NewUser{Email: email, Role: role, DisplayName: name, Password: password})
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "created %s %s (%s), id %s\n", u.Role, u.Email, u.DisplayName, u.ID)
	case "list":
		users, err := st.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tDISABLED")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", u.ID, u.Email, u.DisplayName, u.Role, u.Disabled)
		}
		return tw.Flush()
	default: // enable, disable, reset-password, reset-2fa, role: an existing account
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			return explain(err)
		}
		switch sub {
		case "enable", "disable":
			disabled := sub == "disable"
			if _, err := st.UpdateUser(ctx, int(u.ID), store.UserChange{Disabled: &disabled}); err != nil {
				return explain(err)
			}
			if disabled {
				fmt.Fprintf(stdout, "disabled %s; its sessions are ended\n", u.Email)
			} else {
				fmt.Fprintf(stdout, "enabled %s\n", u.Email)
			}
		case "reset-password":
			password, err := readPassword(stdin)
			if err != nil {
				return err
			}
			if err := st.SetPassword(ctx, int(u.ID), password); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "reset the password of %s; its sessions are ended\n", u.Email)
		case "reset-2fa":
			if err := st.ResetTOTP(ctx, int(u.ID)); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "turned off the second factor of %s; its sessions are ended\n", u.Email)
		case "role":
			if _, err := st.UpdateUser(ctx, int(u.ID), store.UserChange{Role: &role}); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "%s is now %s; its sessions are ended\n", u.Email, role)
		}
	}
	return nil
}

// readPassword reads a password, one line of standard input.
func readPassword(stdin io.Reader) (string, error) {
	password, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(password, "\r\n"), nil
}

// explain turns a domain error into a message naming the fields at fault.
func explain(err error) error {
	msg := domain.ErrorMessage(err)
	for f, p := range domain.ErrorFields(err) {
		msg += "; " + f + ": " + p
	}
	if domain.ErrorCode(err) == domain.EINTERNAL {
		return err
	}
	return errors.New(msg)
}
