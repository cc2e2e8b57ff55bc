// Commands and routes named in the guides, checked against what this build generated from the code: a
// command or route the code does not have yet is marked, so a guide never presents it as available.
import Link from '@docusaurus/Link';
import reference from '../generated/reference.json';

const slug = (text: string) =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

function Pending() {
  return (
    <span className="pg-pending" title="Not in the code this site was built from">
      not in this build yet
    </span>
  );
}

/** `privgate <command>` with a link to its reference, or a "not in this build" mark. */
export function Cli({ command, args }: { command: string; args?: string }) {
  const known = reference.commands.includes(command);
  const text = `privgate ${command}${args === undefined ? '' : ` ${args}`}`;
  return known ? (
    <Link to={`/reference/cli#${slug(`privgate ${command}`)}`}>
      <code>{text}</code>
    </Link>
  ) : (
    <>
      <code>{text}</code> <Pending />
    </>
  );
}

/** `METHOD /path` with a link to its reference, or a "not in this build" mark. */
export function Route({ method, path }: { method: string; path: string }) {
  const operation = reference.operations.find((o) => o.method === method.toLowerCase() && o.path === path);
  const text = `${method.toUpperCase()} ${path}`;
  return operation === undefined ? (
    <>
      <code>{text}</code> <Pending />
    </>
  ) : (
    <Link to={`/reference/http-api#${slug(`op ${operation.operationId}`)}`}>
      <code>{text}</code>
    </Link>
  );
}
