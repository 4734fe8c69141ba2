package store

import (
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/vendor"
)

// A record the reader may see can refer to one they may not (a published product of a
// draft vendor). A filter or profile section that reaches a country through the
// referenced record must then ask that record's status too: the draft's country is as
// unpublished as its name, so a public answer may place a record by it no more than
// show it. The reference itself (the id) stays visible, as in the record.

// vendorIn matches the vendors headquartered in a country that the reader may see.
func vendorIn(code string, drafts bool) predicate.Vendor {
	return vendor.And(vendor.HeadquartersCountry(code), vendor.StatusIn(statusValues[vendor.Status](visible(drafts))...))
}

// agencyIn matches the agencies of a country that the reader may see.
func agencyIn(code string, drafts bool) predicate.Agency {
	return agency.And(agency.StateCode(code), agency.StatusIn(statusValues[agency.Status](visible(drafts))...))
}
