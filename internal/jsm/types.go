package jsm

import (
	"encoding/json"
	"fmt"
)

// Date is the Service Desk API's DateDTO. ISO8601 carries the offset
// without a colon (2024-03-05T14:42:00+0000), as JSM sends it.
type Date struct {
	ISO8601     string `json:"iso8601"`
	Jira        string `json:"jira"`
	Friendly    string `json:"friendly"`
	EpochMillis int64  `json:"epochMillis"`
}

// ServiceDesk is a ServiceDeskDTO.
type ServiceDesk struct {
	ID          string `json:"id"`
	ProjectID   string `json:"projectId"`
	ProjectKey  string `json:"projectKey"`
	ProjectName string `json:"projectName"`
}

// User is a UserDTO. EmailAddress is empty when the account hides it.
type User struct {
	AccountID    string `json:"accountId"`
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
	Active       bool   `json:"active"`
	TimeZone     string `json:"timeZone"`
}

// FieldValue is one of a request's requestFieldValues. Value is kept raw:
// its shape depends on the field type.
type FieldValue struct {
	FieldID       string          `json:"fieldId"`
	Label         string          `json:"label"`
	Value         json.RawMessage `json:"value"`
	RenderedValue json.RawMessage `json:"renderedValue,omitempty"`
}

// RequestStatus is a CustomerRequestStatusDTO.
type RequestStatus struct {
	Status         string `json:"status"`
	StatusCategory string `json:"statusCategory"`
	StatusDate     Date   `json:"statusDate"`
}

// CustomerRequest is a CustomerRequestDTO; expansions stay in the raw item.
type CustomerRequest struct {
	IssueID            string        `json:"issueId"`
	IssueKey           string        `json:"issueKey"`
	RequestTypeID      string        `json:"requestTypeId"`
	ServiceDeskID      string        `json:"serviceDeskId"`
	CreatedDate        Date          `json:"createdDate"`
	Reporter           User          `json:"reporter"`
	RequestFieldValues []FieldValue  `json:"requestFieldValues"`
	CurrentStatus      RequestStatus `json:"currentStatus"`
}

// Summary is the value of the request's summary field; the API has no
// top-level summary.
func (r CustomerRequest) Summary() string {
	for _, f := range r.RequestFieldValues {
		if f.FieldID == "summary" {
			var s string
			if json.Unmarshal(f.Value, &s) == nil {
				return s
			}
		}
	}
	return ""
}

// Organization is an OrganizationDTO. ScimManaged and Created are absent on
// older organizations.
type Organization struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ScimManaged *bool  `json:"scimManaged,omitempty"`
	Created     *Date  `json:"created,omitempty"`
}

// DecodeAll decodes raw list items into their typed views.
func DecodeAll[T any](items []json.RawMessage, kind string) ([]T, error) {
	out := make([]T, len(items))
	for i, raw := range items {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			return nil, fmt.Errorf("item %d of the %s list does not have the documented shape: %w", i, kind, err)
		}
	}
	return out, nil
}
