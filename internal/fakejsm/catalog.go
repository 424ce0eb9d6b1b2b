package fakejsm

// Word lists the tenant generator draws from. Everything here is fixed, so a
// seed alone decides the generated tenant.

type typeDef struct {
	name, description, helpText string
	issueTypeID                 string
	hasPriority                 bool
	summaries                   []string
}

type deskTheme struct {
	key, name string
	types     []typeDef
}

// Issue type ids of a typical Jira Service Management project.
const (
	issueTypeServiceRequest = "10001"
	issueTypeIncident       = "10002"
	issueTypeChange         = "10003"
	issueTypeQuestion       = "10004"
)

var deskThemes = []deskTheme{
	{key: "IT", name: "IT Help Desk", types: []typeDef{
		{"Get IT help", "Get assistance for general IT problems and questions.", "Please tell us clearly the problem you have within 100 words.", issueTypeServiceRequest, true, []string{
			"Laptop won't connect to the office VPN", "Outlook keeps crashing on startup", "Printer on level 3 is jammed again",
			"Wi-Fi drops every few minutes in meeting room B", "Can't log in to Slack after password change", "Screen flickers on external monitor"}},
		{"Request new hardware", "Request a laptop, monitor, headset or other equipment.", "", issueTypeServiceRequest, false, []string{
			"Need a second monitor for the new hire", "Request a replacement laptop charger", "New noise-cancelling headset for support team",
			"Docking station for hot desk 14", "Upgrade laptop memory to 32 GB"}},
		{"Request software access", "Get access to an application or a license.", "Tell us which application and why you need it.", issueTypeServiceRequest, false, []string{
			"Access to Salesforce for the sales onboarding", "Figma editor license for the design intern", "GitHub organization invite",
			"Confluence space admin rights", "Install Python 3.12 on build agent"}},
		{"Report a system problem", "Let us know when a system is down or misbehaving.", "", issueTypeIncident, true, []string{
			"Email delivery delayed by several hours", "Shared drive is read-only since this morning", "SSO login loop on the intranet",
			"Build server out of disk space", "Video calls drop after 10 minutes"}},
		{"Reset a password", "Reset a password or unlock an account.", "", issueTypeServiceRequest, false, []string{
			"Password reset for Workday", "Account locked after too many attempts", "MFA device lost, need a reset"}},
		{"Request a change", "Propose a change to an IT system.", "", issueTypeChange, true, []string{
			"Schedule firewall rule change for the new office", "Upgrade the Jira plugin set", "Rotate the TLS certificate for the intranet"}},
	}},
	{key: "HR", name: "HR Services", types: []typeDef{
		{"Ask an HR question", "Questions about policies, pay and benefits.", "", issueTypeQuestion, false, []string{
			"How many vacation days carry over?", "Question about the parental leave policy", "Where do I find my payslips?",
			"Is the gym membership reimbursed?"}},
		{"Onboard a new employee", "Start the onboarding checklist for a new hire.", "Submit at least two weeks before the start date.", issueTypeServiceRequest, false, []string{
			"Onboarding for new backend engineer", "Onboarding for marketing coordinator", "Onboarding for summer interns"}},
		{"Update personal details", "Change your address, bank details or name.", "", issueTypeServiceRequest, false, []string{
			"Update my bank details", "Change of home address", "Update emergency contact"}},
		{"Request time off", "Book vacation or special leave.", "", issueTypeServiceRequest, false, []string{
			"Vacation request for the first week of August", "Special leave for moving house", "Unpaid leave in December"}},
		{"Report a workplace concern", "Raise a concern confidentially.", "Your report is handled confidentially.", issueTypeIncident, true, []string{
			"Concern about overtime in the warehouse team", "Ergonomics issue at my workstation"}},
	}},
	{key: "FAC", name: "Facilities", types: []typeDef{
		{"Report a facilities issue", "Something broken or not working in the building.", "", issueTypeIncident, true, []string{
			"Broken chair in room 4B", "Air conditioning too cold on floor 2", "Leaking tap in the kitchen",
			"Lights out in the parking garage", "Door badge reader not working at the side entrance"}},
		{"Book a meeting room", "Reserve a room for a meeting or an event.", "", issueTypeServiceRequest, false, []string{
			"Book the auditorium for the all-hands", "Room for the quarterly planning workshop", "Set up a room for client visit"}},
		{"Request office supplies", "Order stationery and other supplies.", "", issueTypeServiceRequest, false, []string{
			"Whiteboard markers for floor 3", "Printer paper for the mailroom", "Standing desk converter"}},
		{"Request a desk move", "Move desks, furniture or equipment.", "", issueTypeServiceRequest, false, []string{
			"Move the data team to the east wing", "Desk move for two new joiners"}},
	}},
	{key: "FIN", name: "Finance Service Desk", types: []typeDef{
		{"Submit an expense question", "Questions about expense claims.", "", issueTypeQuestion, false, []string{
			"Expense claim rejected without a reason", "How do I expense a conference ticket?"}},
		{"Request a purchase order", "Raise a purchase order for a supplier.", "", issueTypeServiceRequest, true, []string{
			"Purchase order for new ergonomic chairs", "PO for annual software renewal", "PO for catering at the offsite"}},
		{"Report an invoice problem", "A supplier invoice is wrong or missing.", "", issueTypeIncident, true, []string{
			"Duplicate invoice from the cleaning company", "Invoice missing VAT number"}},
	}},
	{key: "LEG", name: "Legal Requests", types: []typeDef{
		{"Request a contract review", "Have legal review a contract.", "Attach the contract and the deadline.", issueTypeServiceRequest, true, []string{
			"Review the reseller agreement", "NDA for the new analytics vendor", "Amendment to the office lease"}},
		{"Ask a legal question", "General legal questions.", "", issueTypeQuestion, false, []string{
			"Can we use customer logos in the case study?", "GDPR question about the newsletter"}},
	}},
	{key: "MKT", name: "Marketing Requests", types: []typeDef{
		{"Request design work", "Banners, slides and other design assets.", "", issueTypeServiceRequest, false, []string{
			"Banner for the spring campaign", "Slide template refresh", "Booth graphics for the trade fair"}},
		{"Publish web content", "Changes to the website or blog.", "", issueTypeServiceRequest, true, []string{
			"Publish the customer story on the blog", "Fix broken link on the pricing page"}},
	}},
	{key: "OPS", name: "Operations Support", types: []typeDef{
		{"Report an outage", "Report a production outage.", "", issueTypeIncident, true, []string{
			"Checkout API returning 502", "Message queue backlog growing", "Nightly batch job failed"}},
		{"Request a deployment", "Schedule a production deployment.", "", issueTypeChange, true, []string{
			"Deploy release 4.2 to production", "Hotfix deployment for the billing service"}},
	}},
	{key: "PRC", name: "Procurement", types: []typeDef{
		{"Onboard a supplier", "Add a new supplier.", "", issueTypeServiceRequest, false, []string{
			"Onboard the new courier service", "Add the translation agency as supplier"}},
		{"Request a quote", "Ask procurement to gather quotes.", "", issueTypeServiceRequest, false, []string{
			"Quotes for 40 new laptops", "Quotes for office cleaning"}},
	}},
	{key: "SUP", name: "Customer Support", types: []typeDef{
		{"Report a bug", "Something in the product is not working.", "", issueTypeIncident, true, []string{
			"Export to CSV produces empty file", "Dashboard widgets fail to load", "Mobile app crashes on login"}},
		{"Ask a product question", "How do I use a feature?", "", issueTypeQuestion, false, []string{
			"How do I invite more users?", "Can I change my billing cycle?"}},
		{"Request a feature", "Suggest an improvement.", "", issueTypeServiceRequest, false, []string{
			"Dark mode for the web app", "Bulk edit for tags"}},
	}},
	{key: "TRV", name: "Travel Desk", types: []typeDef{
		{"Book travel", "Flights, trains and hotels for business trips.", "", issueTypeServiceRequest, false, []string{
			"Flight to Berlin for the partner summit", "Hotel in Lisbon for the sales kickoff"}},
		{"Change a booking", "Change or cancel an existing booking.", "", issueTypeServiceRequest, false, []string{
			"Cancel the train to Paris", "Move my return flight by one day"}},
	}},
}

// genericTheme is used for desks beyond the fixed list.
var genericTheme = deskTheme{types: []typeDef{
	{"Get help", "Ask the team for help.", "", issueTypeServiceRequest, true, []string{
		"Need help with the monthly report", "Something is not working as expected", "Question about my last request"}},
	{"Report a problem", "Report a problem.", "", issueTypeIncident, true, []string{
		"Tool is very slow today", "Error when saving the form", "Cannot open the shared file"}},
	{"Request a change", "Propose a change.", "", issueTypeChange, false, []string{
		"Change the approval workflow", "Add a new field to the form"}},
	{"Ask a question", "General questions.", "", issueTypeQuestion, false, []string{
		"Who owns this process?", "Where is the documentation?"}},
}}

// restrictedTheme is the desk the current user cannot access.
var restrictedTheme = deskTheme{key: "SEC", name: "Security Incident Response", types: []typeDef{
	{"Report a security incident", "Report a suspected security incident.", "", issueTypeIncident, true, []string{
		"Suspicious login from unknown country"}},
}}

var firstNames = []string{
	"Fred", "Alana", "Mia", "Noah", "Priya", "Lucas", "Chen", "Sofia", "Omar", "Hannah",
	"Mateo", "Aisha", "Jonas", "Yuki", "Elena", "Kwame", "Laura", "Ravi", "Ingrid", "Diego",
	"Fatima", "Tom", "Zoe", "Arjun", "Clara", "Malik", "Nora", "Pedro", "Sara", "Wei",
}

var lastNames = []string{
	"User", "Grant", "Novak", "Okafor", "Sharma", "Martin", "Li", "Rossi", "Haddad", "Schmidt",
	"Garcia", "Bello", "Berg", "Tanaka", "Petrova", "Mensah", "Dubois", "Patel", "Larsen", "Silva",
	"Khan", "Murphy", "Evans", "Nair", "Weber", "Johnson", "Kowalski", "Santos", "Cohen", "Zhang",
}

var emailDomains = []string{"example.com", "example.org", "example.net"}

var timeZones = []string{
	"Australia/Sydney", "Europe/London", "America/New_York", "Europe/Berlin",
	"Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "UTC",
}

var organizationNames = []string{
	"Charlie Cakes Franchises", "Acme Logistics", "Globex Retail", "Initech Finance", "Umbrella Health",
	"Stark Manufacturing", "Wayne Foundation", "Hooli Cloud", "Vandelay Imports", "Soylent Foods",
	"Tyrell Robotics", "Cyberdyne Systems", "Wonka Confectionery", "Oscorp Labs", "Pied Piper",
}

var priorities = []priority{
	{"1", "Highest"}, {"2", "High"}, {"3", "Medium"}, {"4", "Low"}, {"5", "Lowest"},
}

// statusChoice is a workflow status with its category and a generation weight.
type statusChoice struct {
	status, category string
	weight           int
}

var statusChoices = []statusChoice{
	{"Waiting for support", CategoryNew, 25},
	{"Waiting for customer", CategoryIndeterminate, 10},
	{"In progress", CategoryIndeterminate, 20},
	{"Escalated", CategoryIndeterminate, 5},
	{"Pending", CategoryIndeterminate, 5},
	{"Resolved", CategoryDone, 20},
	{"Closed", CategoryDone, 10},
	{"Canceled", CategoryDone, 5},
}

const (
	statusInitial         = "Waiting for support"
	statusWaitingApproval = "Waiting for approval"
)

var commentBodies = []string{
	"Thanks for raising this, we're looking into it.",
	"Could you send us a screenshot of the error?",
	"I've attached the details you asked for.",
	"This should be fixed now, please check and let us know.",
	"Any update on this? It's blocking my work.",
	"Escalated to the second-line team.",
	"Internal note: duplicate of an earlier request, linking them.",
}

type attachmentDef struct {
	filename, mimeType string
	image              bool
}

var attachmentDefs = []attachmentDef{
	{"screenshot.png", "image/png", true},
	{"error-log.txt", "text/plain", false},
	{"quote.pdf", "application/pdf", false},
	{"photo.jpg", "image/jpeg", true},
}
