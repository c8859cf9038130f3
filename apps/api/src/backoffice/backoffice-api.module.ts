import { Module } from '@nestjs/common';
import { BackofficeController } from './backoffice.controller';

/** The back-office HTTP API over `libs/backoffice`. */
@Module({ controllers: [BackofficeController] })
export class BackofficeApiModule {}
