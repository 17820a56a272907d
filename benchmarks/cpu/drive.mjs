/** `count` calls of `send` (each resolving to an HTTP status), `inFlight` at a time; a status other than 200 throws. */
export async function drive(send, count, inFlight) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      const status = await send();
      if (status !== 200) throw new Error(`status ${status}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}
