/** Jest global teardown: stops only what the setup started. */
export default async function teardown(): Promise<void> {
  await globalThis.chargeflowTestInfrastructure?.stop();
}
