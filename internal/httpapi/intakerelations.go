package httpapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/export-registry/registry/internal/intake"
)

// The relations a galaxy's values state (related[]). The registry's model has a
// place for one kind only: ownership, a vendor's parent_id ("the vendor that owns
// this one"), which is-acquired-by (the stating value's parent is the destination)
// and acquires (the reverse) say. Intake records it on the drafts it creates and
// on nothing else: a child the registry holds already (published or not) is never
// edited by an intake, so such a relation is reported as a suggestion for staff to
// weigh. The other types (part-of an alliance, is-allied-with, known-as,
// related-to…) have no field, and none is invented for them: the report lists them
// as not recorded, as it does a relation whose destination neither the file nor the
// registry has. A file whose ownership relations contradict themselves — a cycle,
// or two parents for one vendor — is refused whole, naming the values.

// relNode is a vendor a relation names: one the registry holds or the intake
// creates (id), or a destination known by its external id only.
type relNode struct {
	key  string
	id   int
	name string
}

// relEdge is an ownership statement: child is owned by parent, as the relation
// rel (an index in the report's relations) says.
type relEdge struct {
	child, parent relNode
	rel           int
}

// relate settles the file's relations: the parent of each new draft a relation
// owns, in.parents (by row), and the report's relations; a contradiction is a
// refusal.
func (in *intaker) relate(ctx context.Context) error {
	rels := in.file.Relations
	in.parents = map[int]int{}
	if len(rels) == 0 {
		return nil
	}
	rows := in.file.Rows
	byExt := map[string]int{} // the file's vendors, by external id: their row index
	for i, r := range rows {
		if _, ok := byExt[r.ExternalID]; !ok && r.Collection == "vendors" && r.ExternalID != "" {
			byExt[r.ExternalID] = i
		}
	}
	newRow := in.newVendors()
	var outside []string
	for _, rel := range rels {
		if _, ok := byExt[rel.Dest]; !ok {
			outside = append(outside, rel.Dest)
		}
	}
	held, err := in.st.VendorsByExternalID(ctx, outside)
	if err != nil {
		return err
	}
	var existing []int
	for _, rel := range rels {
		existing = append(existing, in.ids[rel.From])
		if i, ok := byExt[rel.Dest]; ok {
			existing = append(existing, in.ids[i])
		} else if id, ok := held[rel.Dest]; ok {
			existing = append(existing, id)
		}
	}
	links, err := in.st.VendorLinks(ctx, existing) // new ids find nothing
	if err != nil {
		return err
	}
	ofRow := func(i int) relNode {
		return relNode{key: fmt.Sprintf("v:%d", in.ids[i]), id: in.ids[i], name: rows[i].Name}
	}
	var edges []relEdge
	for _, rel := range rels {
		from, to := ofRow(rel.From), relNode{key: "x:" + rel.Dest, name: rel.Dest}
		if i, ok := byExt[rel.Dest]; ok {
			to = ofRow(i)
		} else if id, ok := held[rel.Dest]; ok {
			to = relNode{key: fmt.Sprintf("v:%d", id), id: id, name: links[id].Name}
		}
		e := intake.Relation{Row: rows[rel.From].Row, Type: rel.Type, From: from.name, To: to.name, ToExternalID: rel.Dest, Tags: rel.Tags}
		unknown := fmt.Sprintf("its destination %s is neither a value of the file nor a vendor of the registry", rel.Dest)
		destOwned, own := intake.Ownership(rel.Type)
		child, parent := from, to
		if destOwned {
			child, parent = to, from
		}
		switch {
		case !own:
			e.Outcome, e.Reason = intake.RelationNotRecorded, fmt.Sprintf("no place in the model: the registry records only who owns a vendor (parent_id, from %s or %s)", intake.RelIsAcquiredBy, intake.RelAcquires)
			if to.id == 0 {
				e.Reason += "; " + unknown
			}
		case to.id == 0:
			e.Outcome, e.Reason = intake.RelationNotRecorded, unknown
		default:
			e.ChildID, e.ParentID = fmt.Sprint(child.id), fmt.Sprint(parent.id)
			if i, ok := newRow[child.id]; ok {
				in.parents[i] = parent.id // a second parent is refused below
				e.Outcome, e.Reason = intake.RelationRecorded, fmt.Sprintf("vendors %d (%s) owns the new draft vendors %d (%s): its parent_id", parent.id, parent.name, child.id, child.name)
				break
			}
			had := links[child.id].ParentID
			if had == parent.id {
				e.Outcome, e.Reason = intake.RelationAlready, fmt.Sprintf("vendors %d (%s) has vendors %d (%s) as its parent already", child.id, child.name, parent.id, parent.name)
				break
			}
			e.Outcome, e.Reason = intake.RelationSuggested, fmt.Sprintf("vendors %d (%s) is a record the registry holds already, and an intake edits no existing record: set its parent_id to %d (%s) by hand if the sources bear it out", child.id, child.name, parent.id, parent.name)
			if had != 0 {
				e.Reason += fmt.Sprintf("; its parent_id is %d now", had)
			}
		}
		if own {
			edges = append(edges, relEdge{child: child, parent: parent, rel: len(in.rep.Relations)})
		}
		in.rep.Relations = append(in.rep.Relations, e)
	}
	in.contradictions(edges)
	return nil
}

// contradictions refuses the file's ownership statements that cannot all hold:
// two parents for one vendor, or a cycle (a vendor owning itself, through others or
// not), naming the values and the rows that state them.
func (in *intaker) contradictions(edges []relEdge) {
	say := func(e relEdge) string {
		r := in.rep.Relations[e.rel]
		return fmt.Sprintf("%q is owned by %q (row %d, %s)", e.child.name, e.parent.name, r.Row, r.Type)
	}
	first := map[string]relEdge{}
	parents := map[string][]relEdge{} // by child, one edge per distinct parent
	var children []string
	for _, e := range edges {
		f, ok := first[e.child.key]
		switch {
		case !ok:
			first[e.child.key] = e
			children = append(children, e.child.key)
		case f.parent.key != e.parent.key:
			dup := false
			for _, p := range parents[e.child.key] {
				dup = dup || p.parent.key == e.parent.key
			}
			if !dup {
				in.rep.Refused = append(in.rep.Refused, intake.Problem{Row: in.rep.Relations[e.rel].Row, Field: "related",
					Reason: fmt.Sprintf("two parents for %q: %s, and %s; a vendor has one parent (parent_id): leave one out", e.child.name, say(f), say(e))})
			}
		default:
			continue // the same statement again (A is-acquired-by B, B acquires A)
		}
		parents[e.child.key] = append(parents[e.child.key], e)
	}
	// A cycle: walk from each vendor to its parents, depth first.
	const (
		unseen = iota
		walking
		done
	)
	state := map[string]int{}
	var path []relEdge
	var walk func(key string)
	walk = func(key string) {
		state[key] = walking
		for _, e := range parents[key] {
			path = append(path, e)
			switch state[e.parent.key] {
			case walking:
				start := len(path) - 1
				for start > 0 && path[start].child.key != e.parent.key {
					start--
				}
				steps := make([]string, 0, len(path)-start)
				for _, s := range path[start:] {
					steps = append(steps, say(s))
				}
				in.rep.Refused = append(in.rep.Refused, intake.Problem{Row: in.rep.Relations[path[start].rel].Row, Field: "related",
					Reason: "the ownership relations make a cycle: " + strings.Join(steps, ", ") + "; a vendor cannot own itself, even through others"})
			case unseen:
				walk(e.parent.key)
			}
			path = path[:len(path)-1]
		}
		state[key] = done
	}
	for _, key := range children {
		if state[key] == unseen {
			walk(key)
		}
	}
}

// sequence orders the rows for the import: the file's order, but each vendor after
// the new vendor that owns it, as the foreign key is checked when each record is
// created. (A cycle is refused before anything is written; here it only stops.)
func (in *intaker) sequence() []int {
	rows := in.file.Rows
	newRow := in.newVendors()
	seq := make([]int, 0, len(rows))
	seen := make([]bool, len(rows))
	var visit func(i int)
	visit = func(i int) {
		if seen[i] {
			return
		}
		seen[i] = true
		if p, ok := newRow[in.parents[i]]; ok {
			visit(p)
		}
		seq = append(seq, i)
	}
	for i := range rows {
		visit(i)
	}
	return seq
}

// newVendors are the vendors the intake creates: their row index, by id.
func (in *intaker) newVendors() map[int]int {
	out := map[int]int{}
	for i, r := range in.file.Rows {
		if in.created[i] && r.Collection == "vendors" {
			out[in.ids[i]] = i
		}
	}
	return out
}
