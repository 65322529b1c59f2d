// `import digest from 'file?sha256'`: the file's sha256 in hex, written at build time by
// scripts/vite-plugin-integrity.ts (sha256Imports).
declare module '*?sha256' {
  const digest: string;
  export default digest;
}
