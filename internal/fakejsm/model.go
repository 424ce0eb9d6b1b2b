package fakejsm

import (
	"sync/atomic"
	"time"
)

// Status categories of the spec's CustomerRequestStatusDTO.statusCategory.
const (
	CategoryUndefined     = "UNDEFINED"
	CategoryNew           = "NEW"
	CategoryIndeterminate = "INDETERMINATE"
	CategoryDone          = "DONE"
)

// ApprovalState is the state of the current user's approval on a request,
// which the APPROVER ownership filter and approvalStatus look at.
type ApprovalState int

const (
	// NoApproval: the current user is not an approver of the request.
	NoApproval ApprovalState = iota
	// ApprovalPending: the request waits for the current user's decision
	// (approvalStatus=MY_PENDING_APPROVAL).
	ApprovalPending
	// ApprovalDecided: the current user has already approved or declined
	// (approvalStatus=MY_HISTORY_APPROVAL).
	ApprovalDecided
)

type user struct {
	accountID   string
	displayName string
	email       string // empty when the profile hides it
	timeZone    string
	active      bool
}

type desk struct {
	id, projectID, projectKey, projectName string
	restricted                             bool
	requestTypes                           []*requestType
	queues                                 []*queue
	customers                              []string // account ids, in the order they were added
	orgs                                   []string // organization ids, ascending
	nextIssueNum                           int
	theme                                  *deskTheme
}

type requestType struct {
	id, name, description, helpText string
	issueTypeID, deskID, iconID     string
	groupIDs                        []string
	summaryLabel, descriptionLabel  string
	hasPriority                     bool
	summaries                       []string
}

type queueKind int

const (
	queueOpen queueKind = iota
	queueStatus
	queueDone
)

type queue struct {
	id, name, jql string
	kind          queueKind
	status        string // for queueStatus
}

type organization struct {
	id, name string
	created  *time.Time
	scim     *bool
	members  map[string]bool // account ids
}

type statusChange struct {
	status, category string
	at               time.Time
}

type request struct {
	issueID      int64
	key          string
	deskID       string
	typeID       string
	created      time.Time
	reporter     string
	summary      string
	summaryLower string
	description  string
	priority     *priority
	history      []statusChange // chronological; the last entry is the current status
	orgs         []string
	participants []string
	approval     ApprovalState
	extrasSeed   uint64

	// raw caches the unexpanded JSON for one link base.
	raw atomic.Pointer[renderedJSON]
}

type renderedJSON struct {
	base string
	data []byte
}

type priority struct {
	id, name string
}

func (r *request) current() statusChange { return r.history[len(r.history)-1] }

func (r *request) hasOrg(id string) bool {
	for _, o := range r.orgs {
		if o == id {
			return true
		}
	}
	return false
}

func (r *request) hasParticipant(accountID string) bool {
	for _, p := range r.participants {
		if p == accountID {
			return true
		}
	}
	return false
}
