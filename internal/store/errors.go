package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/privacy"
	"github.com/export-registry/registry/internal/domain"
)

// translate turns ent and driver errors into domain errors a user can act on; any
// other error is returned as is and becomes an internal error at the edge.
func translate(err error) error {
	var de *domain.Error
	var ve *ent.ValidationError
	var ce *ent.ConstraintError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &de):
		return err
	case errors.Is(err, privacy.Deny):
		// The HTTP layer denies unauthorized writes first; this is the second line,
		// reached only by a route that forgot its check.
		return domain.Errorf(domain.EFORBIDDEN, "this account may not make this change")
	case errors.As(err, &ve):
		return domain.Invalid(ve.Name, validationProblem(ve))
	case ent.IsNotFound(err):
		return domain.Errorf(domain.ENOTFOUND, "not found")
	case errors.As(err, &ce):
		msg := strings.ToLower(ce.Error())
		if strings.Contains(msg, "foreign key") {
			return domain.Errorf(domain.EINVALID, "a referenced record does not exist")
		}
		if strings.Contains(msg, "unique") || strings.Contains(msg, "duplicate") {
			return domain.Errorf(domain.ECONFLICT, "a record with this key already exists")
		}
		return domain.Errorf(domain.EINVALID, "the record breaks a rule of the registry")
	}
	return err
}

// validationProblem returns the reason of an ent validation error without the ent
// prefix.
func validationProblem(ve *ent.ValidationError) string {
	msg := ve.Unwrap().Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// isNoRows reports the error ent returns for an upsert that did nothing.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
