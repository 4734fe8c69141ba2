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
		return usageError{errors.New("user: want add, list or disable")}
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
	case "disable":
		fs.StringVar(&email, "email", "", "the account's email")
	case "list":
	default:
		return usageError{fmt.Errorf("user: unknown subcommand %q", sub)}
	}
	if err := parse(fs, rest, &cfg); err != nil {
		return err
	}
	if sub == "add" && (email == "" || role == "" || !passwordStdin) {
		return usageError{errors.New("user add: --email, --role and --password-stdin are required (passwords never go on the command line)")}
	}
	if sub == "disable" && email == "" {
		return usageError{errors.New("user disable: --email is required")}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = domain.SystemContext(ctx)

	switch sub {
	case "add":
		password, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		u, err := st.CreateUser(ctx, store.NewUser{Email: email, Role: role, DisplayName: name, Password: strings.TrimRight(password, "\r\n")})
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
	case "disable":
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			return explain(err)
		}
		disabled := true
		if _, err := st.UpdateUser(ctx, int(u.ID), store.UserChange{Disabled: &disabled}); err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "disabled %s; its sessions are ended\n", u.Email)
	}
	return nil
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
