package store

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/question"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// Kind describes one record collection to the write path (create, update, publish,
// retract, citations, import). F is what staff write, R the record as read.
type Kind[F any, R any] struct {
	// name is the record type of revisions and citations.
	name string
	// cites says whether the record needs a citation to be published (a source is its
	// own evidence).
	cites bool
	// get reads a record whatever its status.
	get func(ctx context.Context, s *Store, id int) (R, error)
	// split returns a record's common part and its written fields.
	split func(R) (domain.Record, F)
	check func(F) error
	// create writes a new record with base's id (0: a new one), status, revision and
	// times, and returns its id.
	create func(ctx context.Context, c *ent.Client, base domain.Record, f F) (int, error)
	// update writes the fields and raises the revision, if the revision is still rev;
	// it returns the number of records changed.
	update func(ctx context.Context, c *ent.Client, id, rev int, f F) (int, error)
	// mark sets the status (and retraction) and raises the revision, if it is still rev.
	mark func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error)
}

// marking is a change of a record's status.
type marking struct {
	status      string
	retractedAt *time.Time
	reason      *string
}

// recordMutation is what every record mutation offers for the common fields.
type recordMutation interface {
	SetCreatedAt(time.Time)
	SetUpdatedAt(time.Time)
	SetRevision(int)
	SetRetractedAt(time.Time)
	ClearRetractedAt()
	SetRetractionReason(string)
	ClearRetractionReason()
}

// setBase writes a new record's common fields.
func setBase(m recordMutation, r domain.Record) {
	now := time.Now().UTC()
	created, updated := r.CreatedAt, r.UpdatedAt
	if created.IsZero() {
		created = now
	}
	if updated.IsZero() {
		updated = created
	}
	m.SetCreatedAt(created)
	m.SetUpdatedAt(updated)
	m.SetRevision(max(r.Revision, 1))
	opt(r.RetractedAt, m.SetRetractedAt, m.ClearRetractedAt)
	opt(r.RetractionReason, m.SetRetractionReason, m.ClearRetractionReason)
}

// setMark writes a status change's retraction fields.
func setMark(m recordMutation, mk marking) {
	opt(mk.retractedAt, m.SetRetractedAt, m.ClearRetractedAt)
	opt(mk.reason, m.SetRetractionReason, m.ClearRetractionReason)
}

// withID sets an explicit id when the base has one (an import).
func withID[B interface{ SetID(int) B }](b B, id domain.ID) B {
	if id > 0 {
		return b.SetID(int(id))
	}
	return b
}

// Vendors is the vendors collection.
var Vendors = Kind[domain.VendorFields, domain.Vendor]{
	name: "vendor", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Vendor, error) {
		return s.GetVendor(ctx, strconv.Itoa(id), true)
	},
	split: func(r domain.Vendor) (domain.Record, domain.VendorFields) { return r.Record, r.VendorFields },
	check: domain.VendorFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.VendorFields) (int, error) {
		b := withID(c.Vendor.Create(), r.ID).SetStatus(vendor.Status(r.Status))
		setBase(b.Mutation(), r)
		setVendor(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.VendorFields) (int, error) {
		u := c.Vendor.Update().Where(vendor.ID(id), vendor.Revision(rev)).SetRevision(rev + 1)
		setVendor(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Vendor.Update().Where(vendor.ID(id), vendor.Revision(rev)).SetRevision(rev + 1).SetStatus(vendor.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// Products is the products collection.
var Products = Kind[domain.ProductFields, domain.Product]{
	name: "product", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Product, error) {
		return s.GetProduct(ctx, id, true)
	},
	split: func(r domain.Product) (domain.Record, domain.ProductFields) { return r.Record, r.ProductFields },
	check: domain.ProductFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.ProductFields) (int, error) {
		b := withID(c.Product.Create(), r.ID).SetStatus(product.Status(r.Status))
		setBase(b.Mutation(), r)
		if err := setProduct(b.Mutation(), f); err != nil {
			return 0, err
		}
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.ProductFields) (int, error) {
		u := c.Product.Update().Where(product.ID(id), product.Revision(rev)).SetRevision(rev + 1)
		if err := setProduct(u.Mutation(), f); err != nil {
			return 0, err
		}
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Product.Update().Where(product.ID(id), product.Revision(rev)).SetRevision(rev + 1).SetStatus(product.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// Agencies is the agencies collection.
var Agencies = Kind[domain.AgencyFields, domain.Agency]{
	name: "agency", cites: true,
	get:   func(ctx context.Context, s *Store, id int) (domain.Agency, error) { return s.GetAgency(ctx, id, true) },
	split: func(r domain.Agency) (domain.Record, domain.AgencyFields) { return r.Record, r.AgencyFields },
	check: domain.AgencyFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.AgencyFields) (int, error) {
		b := withID(c.Agency.Create(), r.ID).SetStatus(agency.Status(r.Status))
		setBase(b.Mutation(), r)
		setAgency(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.AgencyFields) (int, error) {
		u := c.Agency.Update().Where(agency.ID(id), agency.Revision(rev)).SetRevision(rev + 1)
		setAgency(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Agency.Update().Where(agency.ID(id), agency.Revision(rev)).SetRevision(rev + 1).SetStatus(agency.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// Licenses is the licenses collection.
var Licenses = Kind[domain.LicenseFields, domain.License]{
	name: "license", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.License, error) {
		return s.GetLicense(ctx, id, true)
	},
	split: func(r domain.License) (domain.Record, domain.LicenseFields) { return r.Record, r.LicenseFields },
	check: domain.LicenseFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.LicenseFields) (int, error) {
		b := withID(c.License.Create(), r.ID).SetStatus(license.Status(r.Status))
		setBase(b.Mutation(), r)
		if err := setLicense(b.Mutation(), f); err != nil {
			return 0, err
		}
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.LicenseFields) (int, error) {
		u := c.License.Update().Where(license.ID(id), license.Revision(rev)).SetRevision(rev + 1)
		if err := setLicense(u.Mutation(), f); err != nil {
			return 0, err
		}
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.License.Update().Where(license.ID(id), license.Revision(rev)).SetRevision(rev + 1).SetStatus(license.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// Terminations is the terminations collection.
var Terminations = Kind[domain.TerminationFields, domain.Termination]{
	name: "termination", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Termination, error) {
		return s.GetTermination(ctx, id, true)
	},
	split: func(r domain.Termination) (domain.Record, domain.TerminationFields) {
		return r.Record, r.TerminationFields
	},
	check: domain.TerminationFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.TerminationFields) (int, error) {
		b := withID(c.Termination.Create(), r.ID).SetStatus(termination.Status(r.Status))
		setBase(b.Mutation(), r)
		setTermination(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.TerminationFields) (int, error) {
		u := c.Termination.Update().Where(termination.ID(id), termination.Revision(rev)).SetRevision(rev + 1)
		setTermination(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Termination.Update().Where(termination.ID(id), termination.Revision(rev)).SetRevision(rev + 1).SetStatus(termination.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// Allegations is the allegations collection.
var Allegations = Kind[domain.AllegationFields, domain.Allegation]{
	name: "allegation", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Allegation, error) {
		return s.GetAllegation(ctx, id, true)
	},
	split: func(r domain.Allegation) (domain.Record, domain.AllegationFields) {
		return r.Record, r.AllegationFields
	},
	check: domain.AllegationFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.AllegationFields) (int, error) {
		b := withID(c.Allegation.Create(), r.ID).SetStatus(allegation.Status(r.Status))
		setBase(b.Mutation(), r)
		setAllegation(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.AllegationFields) (int, error) {
		u := c.Allegation.Update().Where(allegation.ID(id), allegation.Revision(rev)).SetRevision(rev + 1)
		setAllegation(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Allegation.Update().Where(allegation.ID(id), allegation.Revision(rev)).SetRevision(rev + 1).SetStatus(allegation.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// Communications is the communications collection.
var Communications = Kind[domain.CommunicationFields, domain.Communication]{
	name: "communication", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Communication, error) {
		return s.GetCommunication(ctx, id, true)
	},
	split: func(r domain.Communication) (domain.Record, domain.CommunicationFields) {
		return r.Record, r.CommunicationFields
	},
	check: domain.CommunicationFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.CommunicationFields) (int, error) {
		b := withID(c.Communication.Create(), r.ID).SetStatus(communication.Status(r.Status))
		setBase(b.Mutation(), r)
		setCommunication(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		// An import keeps the questions' ids; a new record's questions get new ones.
		keep := func(domain.ID) bool { return r.ID > 0 }
		return v.ID, writeQuestions(ctx, c, v.ID, f.Questions, keep)
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.CommunicationFields) (int, error) {
		u := c.Communication.Update().Where(communication.ID(id), communication.Revision(rev)).SetRevision(rev + 1)
		setCommunication(u.Mutation(), f)
		n, err := u.Save(ctx)
		if err != nil || n == 0 {
			return n, err
		}
		// Questions are rewritten whole (positions are unique, so in-place moves could
		// collide), but a question that was already this communication's keeps its id:
		// citations and links to it stay good.
		had, err := c.Question.Query().Where(question.CommunicationID(id)).IDs(ctx)
		if err != nil {
			return 0, err
		}
		if _, err := c.Question.Delete().Where(question.CommunicationID(id)).Exec(ctx); err != nil {
			return 0, err
		}
		keep := func(q domain.ID) bool { return slices.Contains(had, int(q)) }
		return n, writeQuestions(ctx, c, id, f.Questions, keep)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Communication.Update().Where(communication.ID(id), communication.Revision(rev)).SetRevision(rev + 1).SetStatus(communication.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// writeQuestions creates a communication's questions; those whose id keep accepts
// keep it, the others get new ids.
func writeQuestions(ctx context.Context, c *ent.Client, commID int, qs []domain.Question, keep func(domain.ID) bool) error {
	for _, q := range qs {
		b := c.Question.Create().SetCommunicationID(commID).SetPosition(q.Position).
			SetNillableTopic(q.Topic).SetText(q.Text).
			SetAnswerStatus(question.AnswerStatus(orDefault(q.AnswerStatus, "unknown"))).
			SetNillableAnswerNote(q.AnswerNote)
		if q.ID > 0 && keep(q.ID) {
			b.SetID(int(q.ID))
		}
		if err := b.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Sources is the sources collection.
var Sources = Kind[domain.SourceFields, domain.Source]{
	name: "source", cites: false,
	get:   func(ctx context.Context, s *Store, id int) (domain.Source, error) { return s.GetSource(ctx, id, true) },
	split: func(r domain.Source) (domain.Record, domain.SourceFields) { return r.Record, r.SourceFields },
	check: domain.SourceFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.SourceFields) (int, error) {
		b := withID(c.Source.Create(), r.ID).SetStatus(source.Status(r.Status))
		setBase(b.Mutation(), r)
		setSource(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.SourceFields) (int, error) {
		u := c.Source.Update().Where(source.ID(id), source.Revision(rev)).SetRevision(rev + 1)
		setSource(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Source.Update().Where(source.ID(id), source.Revision(rev)).SetRevision(rev + 1).SetStatus(source.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}
