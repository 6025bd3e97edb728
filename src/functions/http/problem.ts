import type { HttpResponseInit } from '@azure/functions';

export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details with a stable `code` clients can switch on. */
export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    jsonBody: {
      type: `https://errors.cold-member-activation.example/${code.toLowerCase().replace(/[._]/g, '-')}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      ...(errors ? { errors } : {}),
    },
  };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'content-type': 'application/json', ...headers } };
}
