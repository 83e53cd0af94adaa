// The TypeScript type a JSON Schema describes, for the structural subset replicationPolicySchema uses
// (objects with properties and required, additionalProperties maps, arrays, enums, strings, numbers,
// booleans), so the policy's types are derived from the schema ajv enforces instead of restated by hand.

type Required<S> = S extends { required: readonly (infer R)[] } ? R : never;

type ObjectOf<P, R> = { -readonly [K in keyof P as K extends R ? K : never]: SchemaType<P[K]> } & {
  -readonly [K in keyof P as K extends R ? never : K]?: SchemaType<P[K]>;
};

export type SchemaType<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' }
    ? string
    : S extends { type: 'integer' | 'number' }
      ? number
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: 'array'; items: infer I }
          ? SchemaType<I>[]
          : S extends { type: 'object'; properties: infer P }
            ? ObjectOf<P, Required<S>>
            : S extends { type: 'object'; additionalProperties: infer A }
              ? Record<string, SchemaType<A>>
              : unknown;
