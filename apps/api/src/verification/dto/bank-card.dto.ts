import { ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsOptional, ValidateIf } from 'class-validator';
import { IsBankCardNumber, IsMainlandMobile } from '@shiming/common';

/** `{cardNumber, reservedMobile}`, or `{useBoundCard: true}` for the wallet's bound card. */
export class SubmitBankCardDto {
  @ApiPropertyOptional({ example: '6222020000000000018', description: 'Unless useBoundCard' })
  @ValidateIf((dto: SubmitBankCardDto) => dto.useBoundCard !== true)
  @IsBankCardNumber()
  cardNumber?: string;

  @ApiPropertyOptional({
    example: '13800138000',
    description: 'The mobile number reserved at the card’s bank; unless useBoundCard',
  })
  @ValidateIf((dto: SubmitBankCardDto) => dto.useBoundCard !== true)
  @IsMainlandMobile()
  reservedMobile?: string;

  @ApiPropertyOptional({
    example: true,
    enum: [true],
    description: 'Confirm the quick-pay card already bound to this account',
  })
  @IsOptional()
  @Equals(true)
  useBoundCard?: true;
}
