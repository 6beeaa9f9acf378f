# cloudtrail.jq - the mapping zonewarden's cloudtrail parser does, in jq, for the
# benchmark (bench/cloudtrail-jq.sh): one OCSF-like API Activity object per record
# change of ChangeResourceRecordSets, one per other Route 53 / Route 53 Domains call,
# with the same fields (time, class / activity / type, api, actor, source, cloud,
# status and error, zone id, record name / type / TTL / values / old values / alias).
def dname: ascii_downcase | sub("\\.$"; "") | gsub("\\\\052"; "*");
def verb_activity:
  if test("^(Create|Register|Add)") then 1
  elif test("^(Delete|Remove)") then 4
  elif test("^(List|Get|Describe|Check|Test)") then 2
  elif test("^(Change|Update|Associate|Disassociate|Enable|Disable|Transfer|Put|Tag|Untag)") then 3
  else 99 end;
def action_activity: if . == "CREATE" then 1 elif . == "DELETE" then 4 else 3 end;
select(.eventSource | test("^route53(domains|resolver)?\\.amazonaws\\.com$"))
| . as $e
| {
    "time": (($e.eventTime | fromdateiso8601) * 1000),
    metadata: {version: "1.8.0", product: {vendor_name: "AWS", name: "CloudTrail", version: $e.eventVersion},
               log_name: "CloudTrail", event_code: $e.eventName, original_time: $e.eventTime,
               correlation_uid: $e.eventID, profiles: ["cloud"]},
    class_uid: 6003, class_name: "API Activity", category_uid: 6, category_name: "Application Activity",
    api: ({operation: $e.eventName, service: {name: $e.eventSource}, version: $e.apiVersion,
           request: {uid: ($e.requestID // $e.eventID)}}
          + (if $e.errorCode then {response: {error: $e.errorCode, error_message: $e.errorMessage}} else {} end)),
    actor: ({user: {type: $e.userIdentity.type, uid: ($e.userIdentity.arn // $e.userIdentity.principalId),
                    account: {uid: $e.userIdentity.accountId}, credential_uid: $e.userIdentity.accessKeyId,
                    name: ($e.userIdentity.userName // ($e.userIdentity.arn | split("/") | last))}}
            + (if $e.userIdentity.sessionContext.sessionIssuer then
                 {session: {issuer: $e.userIdentity.sessionContext.sessionIssuer.arn,
                            uid: $e.userIdentity.principalId}} else {} end)),
    src_endpoint: (if ($e.sourceIPAddress | test("^[0-9a-fA-F:.]+$")) then {ip: $e.sourceIPAddress}
                   else {hostname: $e.sourceIPAddress} end),
    http_request: {user_agent: $e.userAgent},
    cloud: {provider: "AWS", account: {uid: $e.recipientAccountId}, region: $e.awsRegion},
    status: (if $e.errorCode then "Failure" else "Success" end),
    status_id: (if $e.errorCode then 2 else 1 end),
    severity_id: 1, severity: "Informational",
    unmapped: {source_format: "cloudtrail"}
  } as $base
| if $e.eventName == "ChangeResourceRecordSets" then
    $e.requestParameters.changeBatch.changes[]
    | .resourceRecordSet as $r
    | .action as $action
    | ($action | action_activity) as $act
    | ([$r.resourceRecords[]?.value]) as $vals
    | $base
      + {activity_id: $act, type_uid: (600300 + $act),
         resources: [{uid: ($e.requestParameters.hostedZoneId | sub("^/hostedzone/"; "")),
                      type: "AWS::Route53::HostedZone"}]}
      | .unmapped += {change: {action: $action, kind: "record", target: ($r.name | dname)},
                      record: ({name: ($r.name | dname), type: $r.type}
                        + (if $act == 4 then {old_values: $vals, old_ttl: $r.tTL} else {values: $vals, ttl: $r.tTL} end)
                        + (if $r.aliasTarget then {alias_target: ($r.aliasTarget.dNSName | dname)} else {} end))}
  else
    ($e.eventName | verb_activity) as $act
    | $base + {activity_id: $act, type_uid: (600300 + $act)}
    | .unmapped += (if $act == 1 then {change: {action: "CREATE"}} elif $act == 3 then {change: {action: "UPDATE"}}
                    elif $act == 4 then {change: {action: "DELETE"}} else {} end)
    | if $e.eventSource == "route53domains.amazonaws.com" then
        ($e.requestParameters.domainName | dname) as $d
        | .unmapped += {zone: $d}
        | if $e.eventName == "UpdateDomainNameservers" then
            .unmapped += {record: {name: $d, type: "NS",
                                   values: [$e.requestParameters.nameservers[]?.name | dname]}}
          else . end
      elif ($e.requestParameters.hostedZoneId // $e.requestParameters.id) then
        . + {resources: [{uid: ($e.requestParameters.hostedZoneId // $e.requestParameters.id),
                          type: "AWS::Route53::HostedZone"}]}
      else . end
  end
