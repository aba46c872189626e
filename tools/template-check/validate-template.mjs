// Validates a SAM template offline against CloudFormation's resource schemas and SAM's types, as
// @aws-cdk/aws-service-spec ships them: every resource type must exist, every property name (nested ones
// too, Globals included) must be one the type has, and every Ref, GetAtt and ${...} in a Sub must name a
// parameter, resource, pseudo parameter or (for CloudFormation types) a real attribute.
// It checks names, not values. Usage: node validate-template.mjs path/to/template.yaml
// Prints one finding a line and exits 1 on any; prints a summary and exits 0 otherwise.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

// Real properties the spec's SAM types (or CloudFormation schemas) lack, by type name. Keep this short and
// each entry documented in the SAM or CloudFormation reference.
const ALLOWED_MISSING = {
  // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html
  'AWS::Serverless::Function': ['SnapStart', 'LoggingConfig', 'RuntimeManagementConfig', 'RecursiveLoop'],
  // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-sqs.html
  SQSEvent: ['FunctionResponseTypes', 'MaximumBatchingWindowInSeconds', 'ScalingConfig', 'FilterCriteria'],
  // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-schedule.html
  // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html
  SAMPolicyTemplate: ['EventBridgePutEventsPolicy'],
  ScheduleEvent: ['State', 'RetryPolicy', 'DeadLetterConfig'],
};

// SAM event Type -> the spec's type name for its Properties.
const EVENT_TYPES = {
  S3: 'S3Event', SNS: 'SNSEvent', SQS: 'SQSEvent', Kinesis: 'KinesisEvent', DynamoDB: 'DynamoDBEvent',
  Api: 'ApiEvent', Schedule: 'ScheduleEvent', CloudWatchEvent: 'CloudWatchEventEvent',
  CloudWatchLogs: 'CloudWatchLogsEvent', IoTRule: 'IoTRuleEvent', AlexaSkill: 'AlexaSkillEvent',
  EventBridgeRule: 'EventBridgeRuleEvent', HttpApi: 'HttpApiEvent', Cognito: 'CognitoEvent',
};

const TOP_LEVEL = ['AWSTemplateFormatVersion', 'Transform', 'Description', 'Metadata', 'Parameters', 'Mappings',
  'Conditions', 'Rules', 'Globals', 'Resources', 'Outputs'];
const RESOURCE_KEYS = ['Type', 'Properties', 'DependsOn', 'Condition', 'Metadata', 'DeletionPolicy',
  'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy'];
const GLOBALS = { Function: 'AWS::Serverless::Function', Api: 'AWS::Serverless::Api', HttpApi: 'AWS::Serverless::HttpApi',
  SimpleTable: 'AWS::Serverless::SimpleTable', StateMachine: 'AWS::Serverless::StateMachine', LayerVersion: 'AWS::Serverless::LayerVersion' };
const PSEUDO = ['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region',
  'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix'];

// CloudFormation's short-form tags as long-form intrinsics.
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'If', 'Equals', 'Not', 'And', 'Or', 'GetAtt', 'ToJsonString', 'Length'];
const tags = [];
for (const kind of ['scalar', 'sequence', 'mapping']) {
  tags.push(new yaml.Type('!Ref', { kind, construct: (d) => ({ Ref: d }) }));
  tags.push(new yaml.Type('!Condition', { kind, construct: (d) => ({ Condition: d }) }));
  for (const fn of FUNCTIONS) {
    tags.push(new yaml.Type('!' + fn, {
      kind,
      construct: (d) => ({ ['Fn::' + fn]: fn === 'GetAtt' && typeof d === 'string' ? d.split(/\.(.*)/s).slice(0, 2) : d }),
    }));
  }
}
const SCHEMA = yaml.DEFAULT_SCHEMA.extend(tags);

export function validate(text, db) {
  const findings = [];
  const report = (path, message) => findings.push(`${path}: ${message}`);
  let template;
  try {
    template = yaml.load(text, { schema: SCHEMA });
  } catch (e) {
    return [`template: not valid YAML: ${e.message}`];
  }
  const resourceSpec = new Map();
  const specFor = (type) => {
    if (!resourceSpec.has(type)) {
      resourceSpec.set(type, db.lookup('resource', 'cloudFormationType', 'equals', type)[0]);
    }
    return resourceSpec.get(type);
  };
  const typeDef = (ref) => db.get('typeDefinition', ref.$ref);
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isIntrinsic = (v) => isObject(v) && Object.keys(v).length === 1 &&
    (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0].startsWith('Fn::') || Object.keys(v)[0] === 'Condition');

  for (const key of Object.keys(template)) {
    if (!TOP_LEVEL.includes(key)) report(key, 'unknown top-level section');
  }
  const parameters = Object.keys(template.Parameters ?? {});
  const conditions = Object.keys(template.Conditions ?? {});
  const resources = template.Resources ?? {};

  // Checks property names of `value` against a spec type; returns the findings (so unions can try each member).
  function check(value, type, path, allowListName) {
    const out = [];
    if (value === undefined || value === null) return out;
    if (isIntrinsic(value)) {
      const [fn, args] = Object.entries(value)[0];
      if (fn === 'Fn::If' && Array.isArray(args)) {
        for (const branch of args.slice(1)) out.push(...check(branch, type, path, allowListName));
      }
      return out;
    }
    switch (type.type) {
      case 'ref': {
        if (!isObject(value)) return out;
        const def = typeDef(type.reference);
        return checkProperties(value, def.properties, def.name, path);
      }
      case 'array':
        if (Array.isArray(value)) value.forEach((v, i) => out.push(...check(v, type.element, `${path}[${i}]`)));
        return out;
      case 'map':
        if (isObject(value)) for (const [k, v] of Object.entries(value)) out.push(...check(v, type.element, `${path}.${k}`));
        return out;
      case 'union': {
        // Only the members of the value's shape (object, list or scalar) can fit it.
        const shape = (t) => (t.type === 'json' ? 'any' : t.type === 'ref' || t.type === 'map' ? 'object' : t.type === 'array' ? 'array' : 'scalar');
        const actual = Array.isArray(value) ? 'array' : isObject(value) ? 'object' : 'scalar';
        const members = type.types.filter((t) => shape(t) === 'any' || shape(t) === actual);
        if (members.length === 0) return [`${path}: a value of the wrong shape (${actual})`];
        const tries = members.map((t) => check(value, t, path));
        const ok = tries.find((t) => t.length === 0);
        if (ok) return out;
        // Report against the member that fits best (fewest findings).
        return tries.reduce((a, b) => (b.length < a.length ? b : a));
      }
      case 'json':
        return out;
      default:
        // A scalar type: its value is not checked, but an object there is misplaced (this also makes unions pick the
        // right member).
        if (isObject(value) || Array.isArray(value)) out.push(`${path}: a structure where ${type.type} is expected`);
        return out;
    }
  }

  function checkProperties(value, properties, typeName, path) {
    const out = [];
    const allowed = ALLOWED_MISSING[typeName] ?? [];
    for (const [name, v] of Object.entries(value)) {
      const prop = properties[name];
      if (!prop) {
        if (!allowed.includes(name)) out.push(`${path}.${name}: unknown property of ${typeName}`);
        continue;
      }
      if (typeName === 'EventSource' && name === 'Properties' && EVENT_TYPES[value.Type]) {
        const member = prop.type.types.filter((t) => t.type === 'ref').map((t) => typeDef(t.reference)).find((d) => d.name === EVENT_TYPES[value.Type]);
        if (member && isObject(v)) {
          out.push(...checkProperties(v, member.properties, member.name, `${path}.${name}`));
          continue;
        }
      }
      out.push(...check(v, prop.type, `${path}.${name}`));
    }
    return out;
  }

  // Every Ref, GetAtt and ${} in a Sub must name something that exists.
  function checkReferences(node, path, locals = []) {
    if (Array.isArray(node)) {
      node.forEach((v, i) => checkReferences(v, `${path}[${i}]`, locals));
      return;
    }
    if (!isObject(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'Ref' && typeof v === 'string') {
        if (!parameters.includes(v) && !(v in resources) && !PSEUDO.includes(v) && !locals.includes(v)) {
          report(path, `Ref to unknown ${v}`);
        }
      } else if ((k === 'Fn::If' && Array.isArray(v) && typeof v[0] === 'string') || (k === 'Condition' && typeof v === 'string')) {
        const name = k === 'Condition' ? v : v[0];
        if (!conditions.includes(name)) report(path, `condition ${name} is not in Conditions`);
        if (k === 'Fn::If') checkReferences(v.slice(1), `${path}.Fn::If`, locals);
      } else if (k === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') {
        checkGetAtt(v[0], v[1], path);
      } else if (k === 'Fn::Sub') {
        const [pattern, vars] = Array.isArray(v) ? v : [v, {}];
        const names = Object.keys(vars ?? {});
        if (typeof pattern === 'string') {
          for (const m of pattern.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const ref = m[1].trim();
            if (names.includes(ref)) continue;
            const dot = ref.indexOf('.');
            if (dot > 0 && !ref.startsWith('AWS::')) {
              checkGetAtt(ref.slice(0, dot), ref.slice(dot + 1), path);
            } else if (!parameters.includes(ref) && !(ref in resources) && !PSEUDO.includes(ref)) {
              report(path, `\${${ref}} in Sub names nothing`);
            }
          }
        }
        checkReferences(vars, path, names);
      } else {
        checkReferences(v, `${path}.${k}`, locals);
      }
    }
  }

  function checkGetAtt(id, attribute, path) {
    const resource = resources[id];
    if (!resource) {
      report(path, `GetAtt of unknown resource ${id}`);
      return;
    }
    const spec = specFor(resource.Type);
    // SAM types list no attributes in the spec (their attributes are the generated resources').
    if (spec && !String(resource.Type).startsWith('AWS::Serverless::') && typeof attribute === 'string' &&
        !(attribute in (spec.attributes ?? {}))) {
      report(path, `GetAtt ${id}.${attribute}: ${resource.Type} has no attribute ${attribute}`);
    }
  }

  for (const [section, type] of Object.entries(template.Globals ?? {})) {
    const spec = GLOBALS[section] && specFor(GLOBALS[section]);
    if (!spec) {
      report(`Globals.${section}`, 'unknown Globals section');
      continue;
    }
    findings.push(...checkProperties(type ?? {}, spec.properties, GLOBALS[section], `Globals.${section}`));
  }
  for (const [id, resource] of Object.entries(resources)) {
    const path = `Resources.${id}`;
    for (const key of Object.keys(resource ?? {})) {
      if (!RESOURCE_KEYS.includes(key)) report(`${path}.${key}`, 'unknown resource attribute');
    }
    const spec = specFor(resource?.Type);
    if (!spec) {
      report(`${path}.Type`, `unknown resource type ${resource?.Type}`);
      continue;
    }
    findings.push(...checkProperties(resource.Properties ?? {}, spec.properties, resource.Type, `${path}.Properties`));
  }
  checkReferences(template.Globals, 'Globals');
  checkReferences(resources, 'Resources');
  checkReferences(template.Outputs, 'Outputs');
  checkReferences(template.Conditions, 'Conditions');
  return findings;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'template.yaml';
  const started = Date.now();
  const db = loadAwsServiceSpecSync();
  const findings = validate(readFileSync(file, 'utf8'), db);
  for (const f of findings) console.log(`${file}: ${f}`);
  if (findings.length > 0) {
    console.log(`${findings.length} finding(s)`);
    process.exit(1);
  }
  console.log(`${file}: ok (${Date.now() - started} ms)`);
}
