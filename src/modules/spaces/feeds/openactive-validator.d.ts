/** The OpenActive validator (tests only) ships without types; this is the part the tests use. */
declare module '@openactive/data-model-validator' {
  export type ValidationResult = {
    category: string;
    type: string;
    message: string;
    severity: 'failure' | 'warning' | 'notice' | 'suggestion';
    path: string;
  };
  export function validate(data: unknown, options?: Record<string, unknown>): Promise<ValidationResult[]>;
  const validator: { validate: typeof validate };
  export default validator;
}
