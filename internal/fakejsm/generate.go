package fakejsm

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// TenantOptions sizes a generated tenant. A zero field takes its default; a
// negative one means none.
type TenantOptions struct {
	Seed                int64 // same seed (and sizes) => byte-identical tenant
	ServiceDesks        int   // visible service desks, default 3
	RequestTypesPerDesk int   // default 4
	Requests            int   // customer requests spread over the visible desks, default 50
	Organizations       int   // default 5
	Customers           int   // default 20
}

func (o TenantOptions) withDefaults() TenantOptions {
	def := func(v, d int) int {
		switch {
		case v == 0:
			return d
		case v < 0:
			return 0
		}
		return v
	}
	o.ServiceDesks = def(o.ServiceDesks, 3)
	o.RequestTypesPerDesk = def(o.RequestTypesPerDesk, 4)
	o.Requests = def(o.Requests, 50)
	o.Organizations = def(o.Organizations, 5)
	o.Customers = def(o.Customers, 20)
	if o.ServiceDesks == 0 || o.RequestTypesPerDesk == 0 {
		o.Requests = 0
	}
	return o
}

// DefaultEmail and DefaultAPIToken are the Basic credentials a server accepts
// unless WithBasicAuth says otherwise. DefaultEmail is also the current user's
// email address.
const (
	DefaultEmail    = "agent@example.com"
	DefaultAPIToken = "test-token"
)

// firstIssueID is the issueId of the first generated request.
const firstIssueID = 10100

// epoch is the creation time of the first generated request.
var epoch = time.Date(2024, time.January, 8, 9, 0, 0, 0, time.UTC)

type generator struct {
	rng *rand.Rand
	t   *Tenant
	o   TenantOptions

	customers []string // account ids of customers, in creation order
	typeSeq   int
	groupSeq  int
	queueSeq  int
}

// GenerateTenant builds a realistic, deterministic Jira Service Management
// tenant: the same options always give a byte-identical tenant.
//
// It has o.ServiceDesks visible desks (ids "1", "2", ...; project ids "10001",
// ...; keys IT, HR, FAC, ... then SD11, SD12, ...) plus one more desk, with id
// RestrictedServiceDeskID, that the current user may not access: it is absent
// from listings and answers 403 when addressed directly.
//
// Requests get issue ids from 10100 upward in creation order, and are listed
// by latest activity (see Tenant). The current user
// is a member of every organization, and every request either belongs to an
// organization or was reported by or involves the current user, so the default
// /request listing returns every request.
func GenerateTenant(o TenantOptions) *Tenant {
	o = o.withDefaults()
	g := &generator{
		rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x9e3779b97f4a7c15)),
		t:   newTenant(),
		o:   o,
	}
	g.genUsers()
	g.genDesks()
	g.genOrganizations()
	g.genRequests()
	g.t.sortByActivity()
	return g.t
}

func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for range n {
		b.WriteByte(digits[g.rng.IntN(16)])
	}
	return b.String()
}

func (g *generator) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-4" + g.hex(3) + "-a" + g.hex(3) + "-" + g.hex(12)
}

// accountID returns one of the account id shapes Atlassian Cloud uses:
// classic 24-hex ids, 712020:uuid ids and qm: ids of portal-only customers.
func (g *generator) accountID() string {
	switch g.rng.IntN(3) {
	case 0:
		return "5" + g.hex(23)
	case 1:
		return "712020:" + g.uuid()
	default:
		return "qm:" + g.uuid() + ":" + g.hex(23)
	}
}

func (g *generator) genUsers() {
	t := g.t
	cur := &user{
		accountID:   "5" + g.hex(23),
		displayName: "Alex Morgan",
		email:       DefaultEmail,
		timeZone:    "Europe/London",
		active:      true,
	}
	t.CurrentAccountID = cur.accountID
	t.users[cur.accountID] = cur

	// Distinct first/last name pairs, drawn without repetition.
	pairs := g.rng.Perm(len(firstNames) * len(lastNames))
	for i := range g.o.Customers {
		p := pairs[i%len(pairs)]
		first, last := firstNames[p%len(firstNames)], lastNames[p/len(firstNames)]
		name := first + " " + last
		local := strings.ToLower(first + "." + last)
		if i >= len(pairs) {
			name = fmt.Sprintf("%s %d", name, i/len(pairs)+1)
			local = fmt.Sprintf("%s%d", local, i/len(pairs)+1)
		}
		u := &user{
			accountID:   g.accountID(),
			displayName: name,
			email:       local + "@" + emailDomains[g.rng.IntN(len(emailDomains))],
			timeZone:    timeZones[g.rng.IntN(len(timeZones))],
			active:      g.rng.IntN(12) != 0,
		}
		if g.rng.IntN(5) == 0 {
			u.email = "" // hidden by the user's profile visibility settings
		}
		t.users[u.accountID] = u
		g.customers = append(g.customers, u.accountID)
	}
}

func (g *generator) genDesks() {
	n := g.o.ServiceDesks
	for i := range n + 1 {
		num := i + 1
		theme := &genericTheme
		key, name := "SD"+strconv.Itoa(num), "Service Desk "+strconv.Itoa(num)
		switch {
		case i == n:
			theme = &restrictedTheme
			key, name = theme.key, theme.name
		case i < len(deskThemes):
			theme = &deskThemes[i]
			key, name = theme.key, theme.name
		}
		d := &desk{
			id:          strconv.Itoa(num),
			projectID:   strconv.Itoa(10000 + num),
			projectKey:  key,
			projectName: name,
			restricted:  i == n,
			theme:       theme,
		}
		types := g.o.RequestTypesPerDesk
		if d.restricted {
			types = 1
		}
		g.genRequestTypes(d, types)
		g.genQueues(d)
		g.t.addDesk(d)
	}
	g.t.RestrictedServiceDeskID = g.t.desks[n].id
	// Every customer is on one visible desk, some on a second one; the
	// restricted desk has a couple of customers of its own.
	for i, acc := range g.customers {
		if n == 0 || i < 2 {
			restricted := g.t.desks[n]
			restricted.customers = append(restricted.customers, acc)
		}
		if n == 0 {
			continue
		}
		d := g.t.desks[i%n]
		d.customers = append(d.customers, acc)
		if n > 1 && g.rng.IntN(10) < 3 {
			if other := g.t.desks[g.rng.IntN(n)]; other != d {
				other.customers = append(other.customers, acc)
			}
		}
	}
}

func (g *generator) genRequestTypes(d *desk, count int) {
	groups := []string{}
	for range 2 {
		g.groupSeq++
		groups = append(groups, strconv.Itoa(g.groupSeq))
	}
	for i := range count {
		def := d.theme.types[i%len(d.theme.types)]
		g.typeSeq++
		name := def.name
		if i >= len(d.theme.types) {
			name = fmt.Sprintf("%s (%d)", name, i/len(d.theme.types)+1)
		}
		rt := &requestType{
			id:               strconv.Itoa(g.typeSeq),
			name:             name,
			description:      def.description,
			helpText:         def.helpText,
			issueTypeID:      def.issueTypeID,
			deskID:           d.id,
			iconID:           strconv.Itoa(10500 + g.typeSeq),
			groupIDs:         []string{groups[i%2]},
			summaryLabel:     "Summary",
			descriptionLabel: "Description",
			hasPriority:      def.hasPriority,
			summaries:        def.summaries,
		}
		if i%3 == 2 {
			rt.groupIDs = groups
		}
		if i%2 == 1 {
			rt.summaryLabel, rt.descriptionLabel = "What do you need?", "Why do you need this?"
		}
		d.requestTypes = append(d.requestTypes, rt)
		g.t.types[rt.id] = rt
	}
}

func (g *generator) genQueues(d *desk) {
	add := func(name, jql string, kind queueKind, status string) {
		g.queueSeq++
		d.queues = append(d.queues, &queue{id: strconv.Itoa(g.queueSeq), name: name, jql: jql, kind: kind, status: status})
	}
	p := "project = " + d.projectKey
	add("All open", p+` AND resolution = Unresolved ORDER BY "Time to resolution" ASC`, queueOpen, "")
	add("Waiting for support", p+` AND status = "Waiting for support" ORDER BY created DESC`, queueStatus, "Waiting for support")
	add("Waiting for customer", p+` AND status = "Waiting for customer" ORDER BY updated DESC`, queueStatus, "Waiting for customer")
	add("In progress", p+` AND status = "In progress" ORDER BY priority DESC`, queueStatus, "In progress")
	add("Recently resolved", p+` AND statusCategory = Done ORDER BY updated DESC`, queueDone, "")
}

func (g *generator) genOrganizations() {
	t := g.t
	visible := t.desks[:g.o.ServiceDesks]
	for i := range g.o.Organizations {
		name := organizationNames[i%len(organizationNames)]
		if i >= len(organizationNames) {
			name = fmt.Sprintf("%s %d", name, i/len(organizationNames)+1)
		}
		org := &organization{
			id:      strconv.Itoa(i + 1),
			name:    name,
			members: map[string]bool{t.CurrentAccountID: true},
		}
		if g.rng.IntN(5) != 0 {
			c := time.Date(2023, time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 8+g.rng.IntN(9), g.rng.IntN(60), 0, 0, time.UTC)
			org.created = &c
		}
		if g.rng.IntN(10) < 7 {
			scim := g.rng.IntN(3) == 0
			org.scim = &scim
		}
		t.addOrganization(org)
		if len(visible) > 0 {
			visible[i%len(visible)].addOrg(org.id)
			if g.rng.IntN(10) < 4 {
				visible[g.rng.IntN(len(visible))].addOrg(org.id)
			}
		}
	}
	// Every visible desk serves at least one organization.
	if g.o.Organizations > 0 {
		for i, d := range visible {
			d.addOrg(strconv.Itoa(i%g.o.Organizations + 1))
		}
	}
	// Customers belong to zero, one or two organizations.
	if len(t.orgs) == 0 {
		return
	}
	for _, acc := range g.customers {
		for range g.rng.IntN(3) {
			t.orgs[g.rng.IntN(len(t.orgs))].members[acc] = true
		}
	}
}

func (g *generator) pickStatus() statusChoice {
	total := 0
	for _, s := range statusChoices {
		total += s.weight
	}
	n := g.rng.IntN(total)
	for _, s := range statusChoices {
		if n < s.weight {
			return s
		}
		n -= s.weight
	}
	return statusChoices[0]
}

func (g *generator) genRequests() {
	t := g.t
	n := g.o.Requests
	visible := t.desks[:g.o.ServiceDesks]
	// Requests are spread over about a year whatever their number.
	maxGap := max(2, 2*365*24*60/max(n, 1))
	created := epoch
	for i := range n {
		if i > 0 {
			created = created.Add(time.Duration(1+g.rng.IntN(maxGap)) * time.Minute)
		}
		d := visible[i%len(visible)]
		if i >= len(visible) {
			d = visible[g.rng.IntN(len(visible))]
		}
		rt := d.requestTypes[g.rng.IntN(len(d.requestTypes))]
		r := &request{
			deskID:     d.id,
			typeID:     rt.id,
			created:    created,
			extrasSeed: g.rng.Uint64(),
		}
		r.summary = rt.summaries[g.rng.IntN(len(rt.summaries))]
		g.genPeople(r, d)
		r.description = describe(r.summary, g.t.users[r.reporter].displayName)
		g.genStatus(r)
		if rt.hasPriority {
			p := priorities[g.rng.IntN(len(priorities))]
			r.priority = &p
		}
		t.insertRequest(r)
	}
}

// genPeople chooses the reporter, participants and organizations of r, so that
// every request is visible to the current user by default.
func (g *generator) genPeople(r *request, d *desk) {
	cur := g.t.CurrentAccountID
	pool := d.customers
	if len(pool) == 0 {
		pool = g.customers
	}
	r.reporter = cur
	if len(pool) > 0 && g.rng.IntN(100) >= 15 {
		r.reporter = pool[g.rng.IntN(len(pool))]
	}
	for range g.rng.IntN(3) {
		if len(pool) == 0 {
			break
		}
		p := pool[g.rng.IntN(len(pool))]
		if p != r.reporter && !r.hasParticipant(p) {
			r.participants = append(r.participants, p)
		}
	}
	if r.reporter != cur && g.rng.IntN(100) < 15 {
		r.participants = append(r.participants, cur)
	}
	noOrg := len(d.orgs) == 0 || g.rng.IntN(100) < 8
	if noOrg {
		if r.reporter != cur && !r.hasParticipant(cur) {
			if g.rng.IntN(2) == 0 {
				r.reporter = cur
			} else {
				r.participants = append(r.participants, cur)
			}
		}
		return
	}
	r.orgs = []string{d.orgs[g.rng.IntN(len(d.orgs))]}
	if len(d.orgs) > 1 && g.rng.IntN(4) == 0 {
		for {
			o := d.orgs[g.rng.IntN(len(d.orgs))]
			if o != r.orgs[0] {
				r.orgs = append(r.orgs, o)
				break
			}
		}
	}
}

func (g *generator) genStatus(r *request) {
	first := statusChange{statusInitial, CategoryNew, r.created}
	switch a := g.rng.IntN(100); {
	case a < 5:
		r.approval = ApprovalPending
		r.history = []statusChange{{statusWaitingApproval, CategoryNew, r.created}}
		return
	case a < 10:
		r.approval = ApprovalDecided
	}
	s := g.pickStatus()
	r.history = []statusChange{first}
	if s.status == statusInitial {
		return
	}
	at := r.created.Add(time.Duration(10+g.rng.IntN(2*24*60)) * time.Minute)
	if s.category == CategoryDone {
		r.history = append(r.history, statusChange{"In progress", CategoryIndeterminate, at})
		at = at.Add(time.Duration(30+g.rng.IntN(3*24*60)) * time.Minute)
	}
	r.history = append(r.history, statusChange{s.status, s.category, at})
}

// describe writes a request description in the tone customers use.
func describe(summary, reporterName string) string {
	first, _, _ := strings.Cut(reporterName, " ")
	return "Hi team,\n\n" + summary + ". Could you please take a look?\n\nThanks, " + first
}
