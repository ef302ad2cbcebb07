/** Lending programs (ids are the lending platform's; fixed so demos and other seed parts can name them). */
export const SEED_PROGRAMS = {
  primePersonal: '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b',
  nearPrimePersonal: '5f0e9d8c-7b6a-4e5d-9c4b-3a2f1e0d9c8b',
  auto: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  smallBusiness: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
} as const;
