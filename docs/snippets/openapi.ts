// The gateway's OpenAPI 3.1 document, built from its route registry as the docs build does.
import { gatewayOpenApiDocument, operationList } from '../scripts/gen-openapi.ts';

export function gatewayOperations(): string[] {
  return operationList(gatewayOpenApiDocument()).map((o) => `${o.method.toUpperCase()} ${o.path}`);
}
