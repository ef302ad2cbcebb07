import { IsIn, IsString, Length, Matches } from 'class-validator';

export const CLIENT_TYPES = ['individual', 'company'] as const;

export class CreateClientDto {
  @IsString() @Length(1, 100) @Matches(/^[A-Za-z0-9._-]+$/, { message: 'clientReference may hold letters, digits, ".", "_" and "-"' })
  clientReference: string;

  @IsIn(CLIENT_TYPES as unknown as string[])
  clientType: (typeof CLIENT_TYPES)[number];

  @IsString() @Length(1, 200)
  name: string;
}
