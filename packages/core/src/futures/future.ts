// Placeholder until the futures module lands.
export declare class Future<T> { private _t?: T }
