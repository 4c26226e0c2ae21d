// A file's text, as Vite's `?raw` suffix imports it (the tests read source files this way).
declare module "*?raw" {
  const text: string;
  export default text;
}
