package fakejsm

import (
	"bytes"
	"encoding/json"
	"time"
)

// The types in this file are the wire shapes of the Service Desk REST API
// (components.schemas of the official OpenAPI document). Field order follows
// the examples of that document, so responses read like the real ones.

// dateDTO is the spec's DateDTO.
type dateDTO struct {
	ISO8601     string `json:"iso8601"`
	Jira        string `json:"jira"`
	Friendly    string `json:"friendly"`
	EpochMillis int64  `json:"epochMillis"`
}

// newDate renders t the way Jira does: ISO 8601 with an offset without colon,
// the same with milliseconds, a human-friendly form and epoch milliseconds.
func newDate(t time.Time) dateDTO {
	return dateDTO{
		ISO8601:     t.Format("2006-01-02T15:04:05-0700"),
		Jira:        t.Format("2006-01-02T15:04:05.000-0700"),
		Friendly:    t.Format("02/Jan/06 3:04 PM"),
		EpochMillis: t.UnixMilli(),
	}
}

type durationDTO struct {
	Millis   int64  `json:"millis"`
	Friendly string `json:"friendly"`
}

type selfLinkDTO struct {
	Self string `json:"self"`
}

type serviceDeskDTO struct {
	ID          string      `json:"id"`
	ProjectID   string      `json:"projectId"`
	ProjectName string      `json:"projectName"`
	ProjectKey  string      `json:"projectKey"`
	Links       selfLinkDTO `json:"_links"`
}

// organizationDTO carries scimManaged, which the live API returns although the
// published OrganizationDTO schema does not list it (see the contract test).
type organizationDTO struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	SCIMManaged *bool       `json:"scimManaged,omitempty"`
	Created     *dateDTO    `json:"created,omitempty"`
	Links       selfLinkDTO `json:"_links"`
}

type queueDTO struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	JQL        string      `json:"jql"`
	Fields     []string    `json:"fields"`
	IssueCount *int64      `json:"issueCount,omitempty"`
	Links      selfLinkDTO `json:"_links"`
}

type requestTypeIconDTO struct {
	ID    string `json:"id"`
	Links struct {
		IconURLs map[string]string `json:"iconUrls"`
	} `json:"_links"`
}

type requestTypeDTO struct {
	Expands       []string           `json:"_expands"`
	ID            string             `json:"id"`
	Links         selfLinkDTO        `json:"_links"`
	Name          string             `json:"name"`
	Description   string             `json:"description"`
	HelpText      string             `json:"helpText,omitempty"`
	IssueTypeID   string             `json:"issueTypeId"`
	ServiceDeskID string             `json:"serviceDeskId"`
	PortalID      string             `json:"portalId"`
	GroupIDs      []string           `json:"groupIds"`
	Icon          requestTypeIconDTO `json:"icon"`
}

type userLinksDTO struct {
	JiraRest   string            `json:"jiraRest"`
	AvatarURLs map[string]string `json:"avatarUrls"`
	Self       string            `json:"self"`
}

// userDTO omits emailAddress when the user's profile hides it, as Atlassian
// accounts with restrictive privacy settings do.
type userDTO struct {
	AccountID    string       `json:"accountId"`
	EmailAddress string       `json:"emailAddress,omitempty"`
	DisplayName  string       `json:"displayName"`
	Active       bool         `json:"active"`
	TimeZone     string       `json:"timeZone"`
	Links        userLinksDTO `json:"_links"`
}

type renderedValueDTO struct {
	HTML string `json:"html"`
}

type fieldValueDTO struct {
	FieldID       string            `json:"fieldId"`
	Label         string            `json:"label"`
	Value         any               `json:"value"`
	RenderedValue *renderedValueDTO `json:"renderedValue,omitempty"`
}

type requestStatusDTO struct {
	Status         string  `json:"status"`
	StatusCategory string  `json:"statusCategory"`
	StatusDate     dateDTO `json:"statusDate"`
}

type requestLinksDTO struct {
	JiraRest string `json:"jiraRest"`
	Web      string `json:"web"`
	Self     string `json:"self"`
	Agent    string `json:"agent"`
}

type actionDTO struct {
	Allowed bool `json:"allowed"`
}

type actionsDTO struct {
	AddAttachment     actionDTO `json:"addAttachment"`
	AddComment        actionDTO `json:"addComment"`
	AddParticipant    actionDTO `json:"addParticipant"`
	RemoveParticipant actionDTO `json:"removeParticipant"`
}

type attachmentLinksDTO struct {
	JiraRest  string `json:"jiraRest"`
	Content   string `json:"content"`
	Thumbnail string `json:"thumbnail,omitempty"`
}

type attachmentDTO struct {
	Filename string             `json:"filename"`
	Author   userDTO            `json:"author"`
	Created  dateDTO            `json:"created"`
	Size     int64              `json:"size"`
	MimeType string             `json:"mimeType"`
	Links    attachmentLinksDTO `json:"_links"`
}

type commentDTO struct {
	Expands      []string          `json:"_expands"`
	ID           string            `json:"id"`
	Body         string            `json:"body"`
	RenderedBody *renderedValueDTO `json:"renderedBody,omitempty"`
	Public       bool              `json:"public"`
	Author       userDTO           `json:"author"`
	Created      dateDTO           `json:"created"`
	Attachments  *pagedDTO         `json:"attachments,omitempty"`
	Links        selfLinkDTO       `json:"_links"`
}

type slaCompletedCycleDTO struct {
	StartTime     dateDTO     `json:"startTime"`
	StopTime      dateDTO     `json:"stopTime"`
	BreachTime    dateDTO     `json:"breachTime"`
	Breached      bool        `json:"breached"`
	GoalDuration  durationDTO `json:"goalDuration"`
	ElapsedTime   durationDTO `json:"elapsedTime"`
	RemainingTime durationDTO `json:"remainingTime"`
}

type slaOngoingCycleDTO struct {
	StartTime           dateDTO     `json:"startTime"`
	BreachTime          dateDTO     `json:"breachTime"`
	Breached            bool        `json:"breached"`
	Paused              bool        `json:"paused"`
	WithinCalendarHours bool        `json:"withinCalendarHours"`
	GoalDuration        durationDTO `json:"goalDuration"`
	ElapsedTime         durationDTO `json:"elapsedTime"`
	RemainingTime       durationDTO `json:"remainingTime"`
}

type slaDTO struct {
	ID              string                 `json:"id"`
	Name            string                 `json:"name"`
	Links           selfLinkDTO            `json:"_links"`
	CompletedCycles []slaCompletedCycleDTO `json:"completedCycles"`
	OngoingCycle    *slaOngoingCycleDTO    `json:"ongoingCycle,omitempty"`
}

// customerRequestDTO is the spec's CustomerRequestDTO. The spec has no
// top-level summary: the summary is the requestFieldValues entry whose fieldId
// is "summary".
type customerRequestDTO struct {
	Expands            []string         `json:"_expands"`
	IssueID            string           `json:"issueId"`
	IssueKey           string           `json:"issueKey"`
	RequestTypeID      string           `json:"requestTypeId"`
	ServiceDeskID      string           `json:"serviceDeskId"`
	CreatedDate        dateDTO          `json:"createdDate"`
	Reporter           userDTO          `json:"reporter"`
	RequestFieldValues []fieldValueDTO  `json:"requestFieldValues"`
	CurrentStatus      requestStatusDTO `json:"currentStatus"`
	ServiceDesk        *serviceDeskDTO  `json:"serviceDesk,omitempty"`
	RequestType        *requestTypeDTO  `json:"requestType,omitempty"`
	Participants       *pagedDTO        `json:"participants,omitempty"`
	Status             *pagedDTO        `json:"status,omitempty"`
	SLA                *pagedDTO        `json:"sla,omitempty"`
	Attachments        *pagedDTO        `json:"attachments,omitempty"`
	Actions            *actionsDTO      `json:"actions,omitempty"`
	Comments           *pagedDTO        `json:"comments,omitempty"`
	Links              requestLinksDTO  `json:"_links"`
}

type pagedLinksDTO struct {
	Self    string `json:"self,omitempty"`
	Base    string `json:"base"`
	Context string `json:"context"`
	Next    string `json:"next,omitempty"`
	Prev    string `json:"prev,omitempty"`
}

// pagedDTO is the spec's PagedDTO envelope, used both for top-level pages and
// for the nested pages that expansions add to a customer request.
type pagedDTO struct {
	Expands    []string      `json:"_expands"`
	Size       int           `json:"size"`
	Start      int           `json:"start"`
	Limit      int           `json:"limit"`
	IsLastPage bool          `json:"isLastPage"`
	Links      pagedLinksDTO `json:"_links"`
	Values     any           `json:"values"`
}

// errorResponse is the spec's ErrorResponse.
type errorResponse struct {
	ErrorMessage     string `json:"errorMessage"`
	I18nErrorMessage struct {
		I18nKey    string   `json:"i18nKey"`
		Parameters []string `json:"parameters"`
	} `json:"i18nErrorMessage"`
}

// marshal encodes v as compact JSON without HTML escaping (Jira does not
// escape <, > and &), and without a trailing newline.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("fakejsm: encoding JSON: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
