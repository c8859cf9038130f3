import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsChineseName, IsResidentIdNumber } from '@shiming/common';

export class SubmitIdentityDto {
  @ApiProperty({ example: '张三', description: '2 to 20 Chinese characters' })
  @IsChineseName()
  name!: string;

  @ApiProperty({ example: '110101199003071235', description: '18-character resident ID number' })
  @IsResidentIdNumber()
  idNumber!: string;

  @ApiProperty({
    example: '135790',
    description: 'The 6-digit payment password; checked, never stored or logged',
  })
  @IsString()
  @Matches(/^\d{6}$/, {
    message: 'paymentPassword must be 6 digits',
    context: { code: 'invalid_payment_password' },
  })
  paymentPassword!: string;
}
