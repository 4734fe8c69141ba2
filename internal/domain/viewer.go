package domain

import "context"

// Roles of staff accounts: an admin manages users, an editor writes records.
const (
	RoleAdmin  = "admin"
	RoleEditor = "editor"
)

// Viewer is who a request or job acts for. The HTTP layer puts an authenticated
// staff member in the context; the registry's own jobs (migrations, imports, the
// login bookkeeping) act as the system. The ent privacy policy reads it, so a
// mutation without a viewer is refused even where a route forgot its middleware.
type Viewer struct {
	UserID int
	Role   string
	// System marks the registry's own work, never a request's.
	System bool
	// SecondFactor: the account has a confirmed second factor (TOTP).
	SecondFactor bool
}

// CanWrite reports whether the viewer may change records.
func (v Viewer) CanWrite() bool {
	return v.System || v.Role == RoleEditor || v.Role == RoleAdmin
}

// CanManageUsers reports whether the viewer may change accounts.
func (v Viewer) CanManageUsers() bool { return v.System || v.Role == RoleAdmin }

type viewerKey struct{}

// WithViewer returns a context acting for v.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the context's viewer, if any.
func ViewerFrom(ctx context.Context) (Viewer, bool) {
	v, ok := ctx.Value(viewerKey{}).(Viewer)
	return v, ok
}

// SystemContext returns a context acting as the registry itself.
func SystemContext(ctx context.Context) context.Context {
	return WithViewer(ctx, Viewer{System: true})
}
