// Placeholder until the serializer lands.
export interface FnRef { readonly moduleUrl: string; readonly exportName: string }
