package lint

// A rule is what the linter knows about an issue code: its severity and
// where to learn more.
type rule struct {
	severity Severity
	learn    string
}

// Pages cited by the rules.
const (
	aaChecks   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-"
	grammarURL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
	s3Size     = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html"
	iamQuotas  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
	orgQuotas  = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"
	rcpSyntax  = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"
	multiKeys  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"
	sourceIP   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip"
	s3Public   = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status"
	accessLvl  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html"
	apNaming   = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-naming.html"
	vpceQuotas = "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html"
	sarS3      = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-resources-for-iam-policies"
	sarKMS     = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html#awskeymanagementservice-resources-for-iam-policies"
	sarSTS     = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html#awssecuritytokenservice-resources-for-iam-policies"
)

func aa(sev Severity, anchor string) rule { return rule{sev, aaChecks + anchor} }

// rules maps each issue code to its severity and documentation. Codes
// spelled as in the IAM User Guide's "IAM policy validation check
// reference" carry Access Analyzer's finding type and the page's anchor;
// the few that Access Analyzer does not define (marked s3vet) cite the AWS
// page the rule follows.
var rules = map[string]rule{
	// Errors.
	"DATA_TYPE_MISMATCH":                            aa(Error, "error-data-type-mismatch"),
	"DUPLICATE_KEYS_WITH_DIFFERENT_CASE":            aa(Error, "error-duplicate-keys-with-different-case"),
	"INVALID_ACTION":                                aa(Error, "error-invalid-action"),
	"INVALID_ARN_ACCOUNT":                           aa(Error, "error-invalid-arn-account"),
	"INVALID_ARN_PREFIX":                            aa(Error, "error-invalid-arn-prefix"),
	"INVALID_ARN_RESOURCE":                          aa(Error, "error-invalid-arn-resource"),
	"INVALID_ARN_SERVICE_CASE":                      aa(Error, "error-invalid-arn-service-case"),
	"INVALID_CONDITION_KEY_FORMAT":                  aa(Error, "error-invalid-condition-key-format"),
	"INVALID_CONDITION_MULTIPLE_BOOLEAN":            aa(Error, "error-invalid-condition-multiple-boolean"),
	"INVALID_CONDITION_OPERATOR":                    aa(Error, "error-invalid-condition-operator"),
	"INVALID_EFFECT":                                aa(Error, "error-invalid-effect"),
	"INVALID_PARTITION":                             aa(Error, "error-invalid-partition"),
	"INVALID_POLICY_ELEMENT":                        aa(Error, "error-invalid-policy-element"),
	"INVALID_PRINCIPAL_FORMAT":                      aa(Error, "error-invalid-principal-format"),
	"INVALID_PRINCIPAL_KEY":                         aa(Error, "error-invalid-principal-key"),
	"INVALID_SERVICE_IN_ACTION":                     aa(Error, "error-invalid-service-in-action"),
	"INVALID_VARIABLE_FOR_OPERATOR":                 aa(Error, "error-invalid-variable-for-operator"),
	"INVALID_VERSION":                               aa(Error, "error-invalid-version"),
	"JSON_SYNTAX_ERROR":                             aa(Error, "error-json-syntax-error"),
	"MISSING_ACTION":                                aa(Error, "error-missing-action"),
	"MISSING_ARN_FIELD":                             aa(Error, "error-missing-arn-field"),
	"MISSING_EFFECT":                                aa(Error, "error-missing-effect"),
	"MISSING_PRINCIPAL":                             aa(Error, "error-missing-principal"),
	"MISSING_QUALIFIER":                             aa(Error, "error-missing-qualifier"),
	"MISSING_RESOURCE":                              aa(Error, "error-missing-resource"),
	"MISSING_STATEMENT":                             aa(Error, "error-missing-statement"),
	"MISSING_TAG_KEY_IN_CONDITION":                  aa(Error, "error-missing-tag-key-in-condition"),
	"NULL_WITH_IF_EXISTS":                           aa(Error, "error-null-with-if-exists"),
	"SCP_SYNTAX_ERROR_PRINCIPAL":                    aa(Error, "error-scp-syntax-error-principal"),
	"UNIQUE_SIDS_REQUIRED":                          aa(Error, "error-unique-sids-required"),
	"UNSUPPORTED_ELEMENT_COMBINATION":               aa(Error, "error-unsupported-element-combination"),
	"UNSUPPORTED_PRINCIPAL":                         aa(Error, "error-unsupported-principal"),
	"UNSUPPORTED_SID":                               aa(Error, "error-unsupported-sid"),
	"UNSUPPORTED_WILDCARD_IN_PRINCIPAL":             aa(Error, "error-unsupported-wildcard-in-principal"),
	"MISSING_BRACE_IN_VARIABLE":                     aa(Error, "error-missing-brace-in-variable"),
	"UNSUPPORTED_SYMBOL_IN_VARIABLE":                aa(Error, "error-unsupported-symbol-in-variable"),
	"MISSING_QUOTE_IN_VARIABLE":                     aa(Error, "error-missing-quote-in-variable"),
	"UNSUPPORTED_SPACE_IN_VARIABLE":                 aa(Error, "error-unsupported-space-in-variable"),
	"EMPTY_VARIABLE":                                aa(Error, "error-empty-variable"),
	"VARIABLE_UNSUPPORTED_IN_ELEMENT":               aa(Error, "error-variable-unsupported-in-element"),
	"VARIABLE_UNSUPPORTED_IN_VERSION":               aa(Error, "error-variable-unsupported-in-version"),
	"PRIVATE_IP_ADDRESS":                            aa(Error, "error-private-ip-address"),
	"PRIVATE_NOT_IP_ADDRESS":                        aa(Error, "error-private-not-ip-address"),
	"POLICY_SIZE_EXCEEDS_SCP_QUOTA":                 {Error, orgQuotas},
	"POLICY_SIZE_EXCEEDS_RCP_QUOTA":                 {Error, orgQuotas},  // s3vet
	"POLICY_SIZE_EXCEEDS_BUCKET_POLICY_QUOTA":       {Error, s3Size},     // s3vet
	"RCP_SYNTAX_ERROR_PRINCIPAL":                    {Error, rcpSyntax},  // s3vet
	"RESOURCE_ARN_MISMATCH":                         {Error, sarS3},      // s3vet; learn set per service
	"MALFORMED_POLICY":                              {Error, grammarURL}, // s3vet: what policy.Parse refuses and no other code names
	"ACCESS_POINT_ALIAS_IN_RESOURCE":                {Error, apNaming},   // s3vet
	"POLICY_SIZE_EXCEEDS_VPC_ENDPOINT_POLICY_QUOTA": {Error, vpceQuotas}, // s3vet

	// General warnings.
	"DEPRECATED_GLOBAL_CONDITION_KEY":           aa(Warning, "general-warning-deprecated-global-condition-key"),
	"INVALID_DATE_VALUE":                        aa(Warning, "general-warning-invalid-date-value"),
	"INVALID_ROLE_REFERENCE":                    aa(Warning, "general-warning-invalid-role-reference"),
	"INVALID_USER_REFERENCE":                    aa(Warning, "general-warning-invalid-user-reference"),
	"MISSING_VERSION":                           aa(Warning, "general-warning-missing-version"),
	"UNIQUE_SIDS_RECOMMENDED":                   aa(Warning, "general-warning-unique-sids-recommended"),
	"WILDCARD_WITHOUT_LIKE_OPERATOR":            aa(Warning, "general-warning-wildcard-without-like-operator"),
	"POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA": aa(Warning, "general-warning-policy-size-exceeds-identity-policy-quota"),
	"TYPE_MISMATCH":                             aa(Warning, "general-warning-type-mismatch"),
	"TYPE_MISMATCH_BOOLEAN":                     aa(Warning, "general-warning-type-mismatch-boolean"),
	"TYPE_MISMATCH_DATE":                        aa(Warning, "general-warning-type-mismatch-date"),
	"TYPE_MISMATCH_IP_RANGE":                    aa(Warning, "general-warning-type-mismatch-ip-range"),
	"TYPE_MISMATCH_NUMBER":                      aa(Warning, "general-warning-type-mismatch-number"),
	"TYPE_MISMATCH_STRING":                      aa(Warning, "general-warning-type-mismatch-string"),
	// Access Analyzer rates these two ERROR; s3vet's catalog and table of
	// global keys are snapshots, so an unknown key is only a warning.
	"INVALID_SERVICE_CONDITION_KEY":      aa(Warning, "error-invalid-service-condition-key"),
	"INVALID_GLOBAL_CONDITION_KEY":       aa(Warning, "error-invalid-global-condition-key"),
	"FORANYVALUE_WITH_SINGLE_VALUED_KEY": {Warning, multiKeys}, // s3vet

	// Security warnings.
	"ALLOW_WITH_NOT_PRINCIPAL":             aa(SecurityWarning, "security-warning-allow-with-not-principal"),
	"FORALLVALUES_WITH_SINGLE_VALUED_KEY":  aa(SecurityWarning, "security-warning-forallvalues-with-single-valued-key"),
	"OVERLY_BROAD_SOURCE_IP":               {SecurityWarning, sourceIP},  // s3vet
	"PUBLIC_PERMISSIONS_MANAGEMENT":        {SecurityWarning, s3Public},  // s3vet
	"CROSS_ACCOUNT_PERMISSIONS_MANAGEMENT": {SecurityWarning, accessLvl}, // s3vet

	// Suggestions.
	"EMPTY_ARRAY_ACTION":                 aa(Suggestion, "suggestion-empty-array-action"),
	"EMPTY_ARRAY_CONDITION":              aa(Suggestion, "suggestion-empty-array-condition"),
	"EMPTY_ARRAY_CONDITION_FORALLVALUES": aa(Suggestion, "suggestion-empty-array-condition-forallvalues"),
	"EMPTY_ARRAY_CONDITION_FORANYVALUE":  aa(Suggestion, "suggestion-empty-array-condition-foranyvalue"),
	"EMPTY_ARRAY_CONDITION_IFEXISTS":     aa(Suggestion, "suggestion-empty-array-condition-ifexists"),
	"EMPTY_ARRAY_PRINCIPAL":              aa(Suggestion, "suggestion-empty-array-principal"),
	"EMPTY_ARRAY_RESOURCE":               aa(Suggestion, "suggestion-empty-array-resource"),
	"EMPTY_OBJECT_CONDITION":             aa(Suggestion, "suggestion-empty-object-condition"),
	"EMPTY_OBJECT_PRINCIPAL":             aa(Suggestion, "suggestion-empty-object-principal"),
	"EMPTY_SID_VALUE":                    aa(Suggestion, "suggestion-empty-sid-value"),
	"IMPROVE_IP_RANGE":                   aa(Suggestion, "suggestion-improve-ip-range"),
	"NULL_WITH_QUALIFIER":                aa(Suggestion, "suggestion-null-with-qualifier"),
	"PRIVATE_IP_ADDRESS_SUBSET":          aa(Suggestion, "suggestion-private-ip-address-subset"),
	"PRIVATE_NOT_IP_ADDRESS_SUBSET":      aa(Suggestion, "suggestion-private-not-ip-address-subset"),
	"REDUNDANT_ACTION":                   aa(Suggestion, "suggestion-redundant-action"),
	"REDUNDANT_RESOURCE":                 aa(Suggestion, "suggestion-redundant-resource"),
	"REDUNDANT_STATEMENT":                aa(Suggestion, "suggestion-redundant-statement"),
	"WILDCARD_IN_SERVICE_NAME":           aa(Suggestion, "suggestion-wildcard-in-service-name"),
}
