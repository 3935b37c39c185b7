// unbzip2-stream ships no types: a through-style duplex stream of bzip2 in, plain bytes out.
declare module 'unbzip2-stream' {
  function unbzip2(): NodeJS.ReadWriteStream;
  export default unbzip2;
}
