import { ApiProblems, CurrentUser, IdParamDto, Public, RequestAuthContext, Roles } from '@app/common';
import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CreateProductDto } from './dto/create-product.dto';
import { ListProductsQueryDto } from './dto/list-products-query.dto';
import { ProductPageDto, ProductResponseDto, toProductResponse } from './dto/product-response.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { ProductsService } from './products.service';

/** Admin only, with the Swagger security block (and its 401/403) on these routes alone: the reads are public. */
const AdminRoute = (): MethodDecorator =>
  applyDecorators(
    Roles('admin'),
    ApiBearerAuth('bearer'),
    ApiCookieAuth('cookie'),
    ApiSecurity('oauth2'),
    ApiProblems(401, 403),
  );

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @ApiOperation({ summary: 'The catalogue, searchable by name (public)' })
  @ApiProblems(422)
  @Public()
  @Get()
  async listProducts(@Query() query: ListProductsQueryDto): Promise<ProductPageDto> {
    const page = await this.products.list(query);
    return { ...page, items: page.items.map(toProductResponse) };
  }

  @ApiOperation({ summary: 'A product (public)' })
  @ApiProblems(404, 422)
  @Public()
  @Get(':id')
  async getProduct(@Param() { id }: IdParamDto): Promise<ProductResponseDto> {
    return toProductResponse(await this.products.get(id));
  }

  @ApiOperation({ summary: 'Create a product (admin)' })
  @ApiProblems(422)
  @AdminRoute()
  @Post()
  async createProduct(@Body() dto: CreateProductDto): Promise<ProductResponseDto> {
    return toProductResponse(await this.products.create(dto));
  }

  @ApiOperation({ summary: 'Change a product (admin)' })
  @ApiProblems(404, 422)
  @AdminRoute()
  @Patch(':id')
  async updateProduct(@Param() { id }: IdParamDto, @Body() dto: UpdateProductDto): Promise<ProductResponseDto> {
    return toProductResponse(await this.products.update(id, dto));
  }

  @ApiOperation({ summary: 'Delete a product (admin)' })
  @ApiProblems(404, 422)
  @AdminRoute()
  @Delete(':id')
  @HttpCode(204)
  async deleteProduct(@CurrentUser() admin: RequestAuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.products.delete(admin, id);
  }
}
