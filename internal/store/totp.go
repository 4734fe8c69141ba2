package store

import (
	"context"
	"slices"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/session"
	"github.com/export-registry/registry/ent/user"
	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
)

// The second factor's bookkeeping. An account's TOTP secret is written (sealed, see
// totpseal.go) when
// enrolment starts and shown that once (as the otpauth URL and QR code); it counts
// only when confirmed with a code, which also gives the one-time recovery codes,
// stored as hashes. Until then the pending secret is the account's own to see again
// (PendingTOTP, for the console's enrolment page); once confirmed, neither the
// secret nor the hashes leave the store: no answer carries them again and a backup
// drops them (see Backup).

// errOTPRequired and errOTPWrong are a login's answers about the second factor.
var (
	errOTPRequired = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "this account has a second factor: send its code as otp",
		Fields: map[string]string{"otp": "required: the code from your authenticator app, or a recovery code"}}
	errOTPWrong = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "wrong second-factor code",
		Fields: map[string]string{"otp": "wrong or expired code"}}
)

// secondFactor checks a login's otp against the account's TOTP secret, or uses up one
// of its recovery codes, within the login's transaction.
func (s *Store) secondFactor(ctx context.Context, c *ent.Client, userID int, otp string) error {
	if otp == "" {
		return errOTPRequired
	}
	u, err := c.User.Get(ctx, userID)
	if err != nil {
		return err
	}
	if u.TotpSecret != nil {
		// A secret that does not open (the server's secret changed) makes no codes;
		// the account's recovery codes still work.
		if secret, err := s.openSecret(ctx, u.ID, *u.TotpSecret); err == nil {
			if step, ok := auth.MatchTOTP(otp, secret, time.Now()); ok {
				return useStep(ctx, c, u, step)
			}
		}
	}
	i := auth.MatchRecoveryCode(otp, u.RecoveryCodes)
	if i < 0 {
		return errOTPWrong
	}
	// Used up: the update is conditional on the account being as read (its
	// updated_at moves with every change), so two logins racing with one code cannot
	// both succeed.
	n, err := c.User.Update().Where(user.ID(u.ID), user.UpdatedAt(u.UpdatedAt)).
		SetRecoveryCodes(slices.Delete(slices.Clone(u.RecoveryCodes), i, i+1)).Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return errOTPWrong
	}
	return nil
}

// useStep records that the account's TOTP code of step was accepted, refusing a
// step not after the last one accepted: each code is good once, even within its 90
// seconds (RFC 6238, section 5.2). Conditional, like a recovery code's use.
func useStep(ctx context.Context, c *ent.Client, u *ent.User, step int64) error {
	if u.TotpLastStep != nil && step <= *u.TotpLastStep {
		return &domain.Error{Code: domain.EUNAUTHORIZED, Message: "this code was used already",
			Fields: map[string]string{"otp": "used already: wait for the next code"}}
	}
	n, err := c.User.Update().Where(user.ID(u.ID), user.UpdatedAt(u.UpdatedAt)).SetTotpLastStep(step).Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return errOTPWrong
	}
	return nil
}

// StartTOTP begins an account's TOTP enrolment: a new secret, kept unconfirmed (the
// account logs in as before) until ConfirmTOTP, and returned this once as the
// otpauth URL and QR code. Starting again replaces an unconfirmed secret; an account
// whose second factor is on must disable it first (ECONFLICT).
func (s *Store) StartTOTP(ctx context.Context, userID int) (auth.Enrolment, error) {
	ctx = domain.SystemContext(ctx) // the account's own change
	u, err := s.client.User.Get(ctx, userID)
	if err != nil {
		return auth.Enrolment{}, translate(err)
	}
	if u.TotpEnabled {
		return auth.Enrolment{}, domain.Errorf(domain.ECONFLICT, "this account's second factor is on; disable it first to enrol a new one")
	}
	en, err := auth.NewTOTP(u.Email)
	if err != nil {
		return auth.Enrolment{}, err
	}
	sealed, err := s.sealSecret(ctx, userID, en.Secret)
	if err != nil {
		return auth.Enrolment{}, err
	}
	if err := s.client.User.UpdateOneID(userID).SetTotpSecret(sealed).ClearRecoveryCodes().ClearTotpLastStep().Exec(ctx); err != nil {
		return auth.Enrolment{}, translate(err)
	}
	return en, nil
}

// PendingTOTP returns the enrolment StartTOTP began and ConfirmTOTP has not yet
// confirmed, from the secret kept on the account, for the console's enrolment page
// (its QR code and secret, shown again on reload only to the account itself).
// ENOTFOUND when none is pending.
func (s *Store) PendingTOTP(ctx context.Context, userID int) (auth.Enrolment, error) {
	ctx = domain.SystemContext(ctx)
	u, err := s.client.User.Get(ctx, userID)
	if err != nil {
		return auth.Enrolment{}, translate(err)
	}
	if u.TotpEnabled || u.TotpSecret == nil {
		return auth.Enrolment{}, domain.Errorf(domain.ENOTFOUND, "no second-factor enrolment is pending")
	}
	secret, err := s.openSecret(ctx, u.ID, *u.TotpSecret)
	if err != nil {
		return auth.Enrolment{}, err
	}
	return auth.TOTPEnrolment(u.Email, secret)
}

// ConfirmTOTP turns an account's second factor on with a code from the app that
// read StartTOTP's secret, and returns its recovery codes: shown this once, kept as
// hashes. A wrong code is EINVALID naming code.
func (s *Store) ConfirmTOTP(ctx context.Context, userID int, code string) ([]string, error) {
	ctx = domain.SystemContext(ctx)
	if _, err := s.sealAEAD(ctx); err != nil { // the key, before the transaction
		return nil, err
	}
	var codes []string
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		u, err := tx.User.Get(ctx, userID)
		if err != nil {
			return translate(err)
		}
		switch {
		case u.TotpEnabled:
			return domain.Errorf(domain.ECONFLICT, "this account's second factor is on already")
		case u.TotpSecret == nil:
			return domain.Errorf(domain.ECONFLICT, "no enrolment started: start one first")
		}
		secret, err := s.openSecret(ctx, u.ID, *u.TotpSecret)
		if err != nil {
			return err
		}
		step, ok := auth.MatchTOTP(code, secret, time.Now())
		if !ok {
			return domain.Invalid("code", "wrong or expired code: type the six digits your app shows now")
		}
		var hashes []string
		if codes, hashes, err = auth.NewRecoveryCodes(auth.RecoveryCodeCount); err != nil {
			return err
		}
		return tx.User.UpdateOne(u).SetTotpEnabled(true).SetRecoveryCodes(hashes).SetTotpLastStep(step).Exec(ctx)
	})
	return codes, err
}

// DisableTOTP turns an account's second factor off, given a current code or a
// recovery code of it (otp; EINVALID naming otp when wrong); ResetTOTP does it
// without one, for an admin's reset of a lost phone.
func (s *Store) DisableTOTP(ctx context.Context, userID int, otp string) error {
	ctx = domain.SystemContext(ctx)
	if _, err := s.sealAEAD(ctx); err != nil { // the key, before the transaction
		return err
	}
	return s.inTx(ctx, func(tx *ent.Tx) error {
		u, err := tx.User.Get(ctx, userID)
		if err != nil {
			return translate(err)
		}
		if !u.TotpEnabled {
			return domain.Errorf(domain.ECONFLICT, "this account has no second factor")
		}
		ok := auth.MatchRecoveryCode(otp, u.RecoveryCodes) >= 0
		if u.TotpSecret != nil {
			if secret, err := s.openSecret(ctx, u.ID, *u.TotpSecret); err == nil {
				if step, valid := auth.MatchTOTP(otp, secret, time.Now()); valid && (u.TotpLastStep == nil || step > *u.TotpLastStep) {
					ok = true
				}
			}
		}
		if !ok {
			return domain.Invalid("otp", "wrong or expired code")
		}
		return clearTOTP(ctx, tx.Client(), userID)
	})
}

// ResetTOTP turns an account's second factor off and ends its sessions: an admin's
// answer to a lost phone. Under REGISTRY_REQUIRE_2FA the account enrols again at its
// next login.
func (s *Store) ResetTOTP(ctx context.Context, userID int) error {
	ctx = domain.SystemContext(ctx)
	return s.inTx(ctx, func(tx *ent.Tx) error {
		if err := clearTOTP(ctx, tx.Client(), userID); err != nil {
			return err
		}
		if err := tx.User.UpdateOneID(userID).AddTokenEpoch(1).Exec(ctx); err != nil {
			return translate(err)
		}
		return revokeSessions(ctx, tx.Client(), session.UserID(userID), "second factor reset")
	})
}

// clearTOTP removes an account's secret and recovery codes.
func clearTOTP(ctx context.Context, c *ent.Client, userID int) error {
	return translate(c.User.UpdateOneID(userID).ClearTotpSecret().SetTotpEnabled(false).ClearRecoveryCodes().ClearTotpLastStep().Exec(ctx))
}
