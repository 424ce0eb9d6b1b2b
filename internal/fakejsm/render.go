package fakejsm

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"html"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The functions in this file turn tenant state into the wire shapes of dto.go.
// Callers hold t.mu (read or write).

const apiPath = "/rest/servicedeskapi"

// requestExpands is the _expands list the API puts on every customer request
// and on the /request envelope.
var requestExpands = []string{"participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action", "comment"}

// expansions is the parsed expand query parameter of /request.
type expansions struct {
	serviceDesk, requestType, participant, status, sla, attachment, action, comment bool
	commentAttachment, commentRenderedBody                                          bool
}

// parseExpand accepts both expand=a,b and expand=a&expand=b; unknown values
// are ignored, as the API does.
func parseExpand(values []string) expansions {
	var e expansions
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			switch strings.TrimSpace(name) {
			case "serviceDesk":
				e.serviceDesk = true
			case "requestType":
				e.requestType = true
			case "participant":
				e.participant = true
			case "status":
				e.status = true
			case "sla":
				e.sla = true
			case "attachment":
				e.attachment = true
			case "action":
				e.action = true
			case "comment":
				e.comment = true
			case "comment.attachment":
				e.comment, e.commentAttachment = true, true
			case "comment.renderedBody":
				e.comment, e.commentRenderedBody = true, true
			}
		}
	}
	return e
}

func (e expansions) none() bool { return e == expansions{} }

func (t *Tenant) api(path string) string { return t.linkBase + apiPath + path }

func (t *Tenant) deskDTO(d *desk) serviceDeskDTO {
	return serviceDeskDTO{
		ID:          d.id,
		ProjectID:   d.projectID,
		ProjectName: d.projectName,
		ProjectKey:  d.projectKey,
		Links:       selfLinkDTO{t.api("/servicedesk/" + d.id)},
	}
}

func (t *Tenant) orgDTO(o *organization) organizationDTO {
	dto := organizationDTO{
		ID:          o.id,
		Name:        o.name,
		SCIMManaged: o.scim,
		Links:       selfLinkDTO{t.api("/organization/" + o.id)},
	}
	if o.created != nil {
		c := newDate(*o.created)
		dto.Created = &c
	}
	return dto
}

func (t *Tenant) requestTypeDTO(rt *requestType) requestTypeDTO {
	dto := requestTypeDTO{
		Expands:       []string{},
		ID:            rt.id,
		Links:         selfLinkDTO{t.api("/servicedesk/" + rt.deskID + "/requesttype/" + rt.id)},
		Name:          rt.name,
		Description:   rt.description,
		HelpText:      rt.helpText,
		IssueTypeID:   rt.issueTypeID,
		ServiceDeskID: rt.deskID,
		PortalID:      rt.deskID,
		GroupIDs:      rt.groupIDs,
	}
	dto.Icon.ID = rt.iconID
	icon := t.linkBase + "/rest/api/2/universal_avatar/view/type/SD_REQTYPE/avatar/" + rt.iconID + "?size="
	dto.Icon.Links.IconURLs = map[string]string{
		"48x48": icon + "large", "24x24": icon + "small", "16x16": icon + "xsmall", "32x32": icon + "medium",
	}
	return dto
}

func (t *Tenant) queueDTO(d *desk, q *queue, withCount bool) queueDTO {
	dto := queueDTO{
		ID:     q.id,
		Name:   q.name,
		JQL:    q.jql,
		Fields: []string{"issuetype", "issuekey", "summary", "reporter", "status", "created"},
		Links:  selfLinkDTO{t.api("/servicedesk/" + d.id + "/queue/" + q.id)},
	}
	if withCount {
		var n int64
		for _, r := range t.requests {
			if r.deskID == d.id && q.matches(r) {
				n++
			}
		}
		dto.IssueCount = &n
	}
	return dto
}

func (q *queue) matches(r *request) bool {
	cur := r.current()
	switch q.kind {
	case queueOpen:
		return cur.category != CategoryDone
	case queueDone:
		return cur.category == CategoryDone
	}
	return cur.status == q.status
}

func (t *Tenant) userDTO(accountID string) userDTO {
	u := t.users[accountID]
	if u == nil {
		u = &user{accountID: accountID, displayName: "Former user", timeZone: "UTC"}
	}
	sum := md5.Sum([]byte(u.accountID))
	avatar := "https://secure.gravatar.com/avatar/" + hex.EncodeToString(sum[:]) + "?d=mm&s="
	self := t.linkBase + "/rest/api/2/user?accountId=" + url.QueryEscape(u.accountID)
	return userDTO{
		AccountID:    u.accountID,
		EmailAddress: u.email,
		DisplayName:  u.displayName,
		Active:       u.active,
		TimeZone:     u.timeZone,
		Links: userLinksDTO{
			JiraRest:   self,
			AvatarURLs: map[string]string{"48x48": avatar + "48", "24x24": avatar + "24", "16x16": avatar + "16", "32x32": avatar + "32"},
			Self:       self,
		},
	}
}

type priorityValue struct {
	Self    string `json:"self"`
	IconURL string `json:"iconUrl"`
	Name    string `json:"name"`
	ID      string `json:"id"`
}

func renderHTML(text string) string {
	var b strings.Builder
	for _, p := range strings.Split(text, "\n\n") {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br/>") + "</p>")
	}
	return b.String()
}

// requestJSON returns the unexpanded request, cached per link base.
func (t *Tenant) requestJSON(r *request) []byte {
	if c := r.raw.Load(); c != nil && c.base == t.linkBase {
		return c.data
	}
	data := marshal(t.requestDTO(r, expansions{}))
	r.raw.Store(&renderedJSON{base: t.linkBase, data: data})
	return data
}

func (t *Tenant) requestJSONExpanded(r *request, e expansions) []byte {
	if e.none() {
		return t.requestJSON(r)
	}
	return marshal(t.requestDTO(r, e))
}

func (t *Tenant) requestDTO(r *request, e expansions) customerRequestDTO {
	id := strconv.FormatInt(r.issueID, 10)
	rt := t.types[r.typeID]
	cur := r.current()
	dto := customerRequestDTO{
		Expands:       requestExpands,
		IssueID:       id,
		IssueKey:      r.key,
		RequestTypeID: r.typeID,
		ServiceDeskID: r.deskID,
		CreatedDate:   newDate(r.created),
		Reporter:      t.userDTO(r.reporter),
		RequestFieldValues: []fieldValueDTO{
			{FieldID: "summary", Label: rt.summaryLabel, Value: r.summary},
			{FieldID: "description", Label: rt.descriptionLabel, Value: r.description, RenderedValue: &renderedValueDTO{renderHTML(r.description)}},
		},
		CurrentStatus: requestStatusDTO{cur.status, cur.category, newDate(cur.at)},
		Links: requestLinksDTO{
			JiraRest: t.linkBase + "/rest/api/2/issue/" + id,
			Web:      t.linkBase + "/servicedesk/customer/portal/" + r.deskID + "/" + r.key,
			Self:     t.api("/request/" + id),
			Agent:    t.linkBase + "/browse/" + r.key,
		},
	}
	if r.priority != nil {
		dto.RequestFieldValues = append(dto.RequestFieldValues, fieldValueDTO{
			FieldID: "priority",
			Label:   "Priority",
			Value: priorityValue{
				Self:    t.linkBase + "/rest/api/2/priority/" + r.priority.id,
				IconURL: t.linkBase + "/images/icons/priorities/" + strings.ToLower(r.priority.name) + ".svg",
				Name:    r.priority.name,
				ID:      r.priority.id,
			},
		})
	}
	if e.none() {
		return dto
	}
	if e.serviceDesk {
		d := t.deskDTO(t.deskByID[r.deskID])
		dto.ServiceDesk = &d
	}
	if e.requestType {
		x := t.requestTypeDTO(rt)
		dto.RequestType = &x
	}
	if e.participant {
		users := []userDTO{}
		for _, p := range r.participants {
			users = append(users, t.userDTO(p))
		}
		dto.Participants = t.nestedPage("/request/"+id+"/participant", users, len(users))
	}
	if e.status {
		statuses := []requestStatusDTO{}
		for _, h := range r.history {
			statuses = append(statuses, requestStatusDTO{h.status, h.category, newDate(h.at)})
		}
		dto.Status = t.nestedPage("/request/"+id+"/status", statuses, len(statuses))
	}
	if e.sla {
		slas := t.slas(r)
		dto.SLA = t.nestedPage("/request/"+id+"/sla", slas, len(slas))
	}
	comments, attachments := t.extras(r, e)
	if e.attachment {
		dto.Attachments = t.nestedPage("/request/"+id+"/attachment", attachments, len(attachments))
	}
	if e.action {
		open := cur.category != CategoryDone
		dto.Actions = &actionsDTO{actionDTO{open}, actionDTO{true}, actionDTO{open}, actionDTO{open && len(r.participants) > 0}}
	}
	if e.comment {
		dto.Comments = t.nestedPage("/request/"+id+"/comment", comments, len(comments))
	}
	return dto
}

// nestedPage wraps an expansion's values in a single, complete page.
func (t *Tenant) nestedPage(path string, values any, n int) *pagedDTO {
	return &pagedDTO{
		Expands:    []string{},
		Size:       n,
		Start:      0,
		Limit:      50,
		IsLastPage: true,
		Links:      pagedLinksDTO{Self: t.api(path), Base: t.api(""), Context: ""},
		Values:     values,
	}
}

// extras derives a request's comments and attachments from its seed, so they
// cost no memory until expanded.
func (t *Tenant) extras(r *request, e expansions) ([]commentDTO, []attachmentDTO) {
	if !e.comment && !e.attachment {
		return nil, nil
	}
	rng := rand.New(rand.NewPCG(r.extrasSeed, 1))
	id := strconv.FormatInt(r.issueID, 10)
	comments := []commentDTO{}
	at := r.created
	for k := range rng.IntN(4) {
		at = at.Add(time.Duration(30+rng.IntN(600)) * time.Minute)
		author := r.reporter
		if k%2 == 0 {
			author = t.CurrentAccountID
		}
		body := commentBodies[rng.IntN(len(commentBodies))]
		cid := strconv.FormatInt(r.issueID*10+int64(k)+1, 10)
		c := commentDTO{
			Expands: []string{"attachment", "renderedBody"},
			ID:      cid,
			Body:    body,
			Public:  !strings.HasPrefix(body, "Internal note"),
			Author:  t.userDTO(author),
			Created: newDate(at),
			Links:   selfLinkDTO{t.api("/request/" + id + "/comment/" + cid)},
		}
		if e.commentRenderedBody {
			c.RenderedBody = &renderedValueDTO{renderHTML(body)}
		}
		if e.commentAttachment {
			c.Attachments = t.nestedPage("/request/"+id+"/comment/"+cid+"/attachment", []attachmentDTO{}, 0)
		}
		comments = append(comments, c)
	}
	attachments := []attachmentDTO{}
	for k := range rng.IntN(3) {
		def := attachmentDefs[rng.IntN(len(attachmentDefs))]
		aid := strconv.FormatInt(r.issueID*10+int64(k)+1, 10)
		a := attachmentDTO{
			Filename: def.filename,
			Author:   t.userDTO(r.reporter),
			Created:  newDate(r.created.Add(time.Duration(k+1) * time.Minute)),
			Size:     int64(1024 + rng.IntN(500_000)),
			MimeType: def.mimeType,
			Links: attachmentLinksDTO{
				JiraRest: t.linkBase + "/rest/api/2/attachment/" + aid,
				Content:  t.linkBase + "/servicedesk/customershim/secure/attachment/" + aid + "/" + def.filename,
			},
		}
		if def.image {
			a.Links.Thumbnail = t.linkBase + "/servicedesk/customershim/secure/thumbnail/" + aid + "/_thumb_" + aid + ".png"
		}
		attachments = append(attachments, a)
	}
	return comments, attachments
}

// slas computes "Time to first response" and "Time to resolution". Open
// cycles are measured up to two hours after the request's last transition, a
// fixed point that keeps the output deterministic.
func (t *Tenant) slas(r *request) []slaDTO {
	id := strconv.FormatInt(r.issueID, 10)
	cur := r.current()
	now := cur.at.Add(2 * time.Hour)
	done := cur.category == CategoryDone
	var firstResponse *time.Time
	if len(r.history) > 1 {
		firstResponse = &r.history[1].at
	} else if done {
		firstResponse = &cur.at
	}
	var resolved *time.Time
	if done {
		resolved = &cur.at
	}
	return []slaDTO{
		slaFor("1", "Time to first response", t.api("/request/"+id+"/sla/1"), r.created, 4*time.Hour, firstResponse, now),
		slaFor("2", "Time to resolution", t.api("/request/"+id+"/sla/2"), r.created, 16*time.Hour, resolved, now),
	}
}

func slaFor(id, name, self string, start time.Time, goal time.Duration, stop *time.Time, now time.Time) slaDTO {
	s := slaDTO{ID: id, Name: name, Links: selfLinkDTO{self}, CompletedCycles: []slaCompletedCycleDTO{}}
	breach := start.Add(goal)
	if stop != nil {
		elapsed := stop.Sub(start)
		s.CompletedCycles = append(s.CompletedCycles, slaCompletedCycleDTO{
			StartTime: newDate(start), StopTime: newDate(*stop), BreachTime: newDate(breach),
			Breached:     stop.After(breach),
			GoalDuration: duration(goal), ElapsedTime: duration(elapsed), RemainingTime: duration(goal - elapsed),
		})
		return s
	}
	elapsed := now.Sub(start)
	s.OngoingCycle = &slaOngoingCycleDTO{
		StartTime: newDate(start), BreachTime: newDate(breach),
		Breached: now.After(breach), Paused: false, WithinCalendarHours: true,
		GoalDuration: duration(goal), ElapsedTime: duration(elapsed), RemainingTime: duration(goal - elapsed),
	}
	return s
}

func duration(d time.Duration) durationDTO {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	friendly := fmt.Sprintf("%s%dh %dm", sign, int(d.Hours()), int(d.Minutes())%60)
	if sign != "" {
		d = -d
	}
	return durationDTO{Millis: d.Milliseconds(), Friendly: friendly}
}
