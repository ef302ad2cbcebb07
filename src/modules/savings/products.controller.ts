import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/decorators';
import { IdOf } from '../../common/ids/id-param';
import { CreateProductDto, UpdateProductDto } from './dto/product.dto';
import { SavingsProductsService } from './products.service';
import { isSavingsId } from './savings-id';
import { SavingsProductResponse } from './savings.responses';

@ApiTags('savings')
@Controller('financial-partners/products')
export class SavingsProductsController {
  constructor(private readonly products: SavingsProductsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a savings product (productVersion 1)' })
  @ApiCreatedResponse({ type: SavingsProductResponse, description: 'The new product' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateProductDto) {
    return this.products.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'All savings products at their current version' })
  @ApiOkResponse({ type: SavingsProductResponse, isArray: true, description: 'Every product' })
  list(@CurrentActor() actor: Actor) {
    return this.products.list(actor);
  }

  @Get(':productId')
  @ApiOperation({ summary: 'One savings product at its current version' })
  @ApiOkResponse({ type: SavingsProductResponse, description: 'The product' })
  get(@CurrentActor() actor: Actor, @Param('productId', IdOf('Product', isSavingsId)) productId: string) {
    return this.products.get(actor, productId);
  }

  @Put(':productId')
  @ApiOperation({
    summary: 'Change a product',
    description:
      'A change of grossRate, termMonths, noticeDays, dayCountBasis or interestPaidAt makes a new productVersion; ' +
      'accounts keep the version they opened on. name and deposit limits change in place. productType and currencyCode are fixed.',
  })
  @ApiOkResponse({ type: SavingsProductResponse, description: 'The product after the change' })
  update(@CurrentActor() actor: Actor, @Param('productId', IdOf('Product', isSavingsId)) productId: string, @Body() dto: UpdateProductDto) {
    return this.products.update(actor, productId, dto);
  }
}
