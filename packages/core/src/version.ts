export const title = 'requests-futures';
export const version = '0.1.0';
